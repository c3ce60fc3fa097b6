import Dispatch
import SiamFCEngine
import SiamFCSupport

/// An MNIST training checkpoint: the model's weights and the optimizer state (`optimizer.m.N`,
/// `optimizer.v.N` or `optimizer.velocity.N`), with the configuration and state in its metadata.
public typealias MNISTCheckpoint = TrainingCheckpoint<TrainingConfiguration, TrainingState>

/// Trains a ``PairModel`` on MNIST pairs (or triplets) drawn fresh each epoch.
///
/// Runs are deterministic: epoch `e` draws its pairs from a generator seeded by the run's seed
/// and `e`, and checkpoints store weights and optimizer state bit for bit, so a run resumed from
/// any checkpoint ends exactly where an uninterrupted run does.
public final class MNISTTrainer {
    public let configuration: TrainingConfiguration
    public private(set) var state: TrainingState
    public let model: PairModel
    public let splits: MNISTSplits
    private let sgd: SGD?
    private let adam: Adam?

    public convenience init(configuration: TrainingConfiguration, dataset: MNISTDataset) throws {
        try self.init(configuration: configuration, state: TrainingState(), tensors: nil, dataset: dataset)
    }

    /// Continues the run saved in `checkpoint`.
    public convenience init(resuming checkpoint: MNISTCheckpoint, path: String, dataset: MNISTDataset) throws {
        try self.init(configuration: checkpoint.configuration, state: checkpoint.state, tensors: (checkpoint.tensors, path),
                      dataset: dataset)
    }

    private init(configuration: TrainingConfiguration, state: TrainingState, tensors: ([String: Tensor], String)?,
                 dataset: MNISTDataset) throws {
        try configuration.validate()
        self.configuration = configuration
        self.state = state
        splits = try MNISTSplits(dataset: dataset, configuration: configuration)
        model = PairModel(configuration: configuration.model, seed: configuration.seed)
        let parameters = model.parameters
        switch configuration.optimizer {
        case .adam:
            adam = Adam(parameters: parameters, learningRate: configuration.learningRate, weightDecay: configuration.weightDecay)
            sgd = nil
        case .sgd:
            sgd = SGD(parameters: parameters, learningRate: configuration.learningRate, momentum: configuration.momentum,
                      weightDecay: configuration.weightDecay)
            adam = nil
        }
        if let (saved, path) = tensors {
            try model.load(stateDict: saved, source: path)
            // A checkpoint is a file: every optimizer tensor must fit its parameter.
            func restored(_ name: String, _ i: Int) throws -> Tensor? {
                guard let tensor = saved[name] else { return nil }
                guard tensor.shape == parameters[i].shape else {
                    throw MNISTError(path: path, message: "\(name) has shape \(tensor.shape), expected \(parameters[i].shape)")
                }
                return tensor
            }
            for i in parameters.indices {
                adam?.firstMoments[i] = try restored("optimizer.m.\(i)", i)
                adam?.secondMoments[i] = try restored("optimizer.v.\(i)", i)
                sgd?.velocities[i] = try restored("optimizer.velocity.\(i)", i)
            }
            adam?.stepCount = state.optimizerSteps
        }
    }

    public var pairsPerEpoch: Int {
        configuration.pairsPerEpoch > 0 ? configuration.pairsPerEpoch : splits.train.count
    }

    /// Full batches per epoch (the remainder of the drawn pairs is left out).
    public var stepsPerEpoch: Int { max(1, pairsPerEpoch / configuration.batchSize) }

    /// Trains until the configured number of epochs, saving a checkpoint to `checkpointPath`
    /// after every epoch, or until `shouldStop` returns true, when it saves one and returns
    /// ``TrainingOutcome/interrupted``. The progress's loss is the mean of the epoch so far.
    public func train(checkpointPath: String, progress: (TrainingProgress) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        let sampler = PairSampler(labels: splits.train.labels)
        let batch = configuration.batchSize
        var timer = DispatchTime.now().uptimeNanoseconds
        var recentPairs = 0, recentSeconds = 0.0
        while state.epoch < configuration.epochs {
            var generator = epochGenerator(state.epoch)
            let triplets = configuration.model.loss == .triplet
                ? sampler.triplets(count: stepsPerEpoch * batch, using: &generator) : nil
            let pairs = triplets == nil ? sampler.pairs(count: stepsPerEpoch * batch, using: &generator) : nil
            let epochStart = state.losses.count - state.step
            while state.step < stepsPerEpoch {
                if shouldStop() {
                    try save(to: checkpointPath)
                    return .interrupted
                }
                let range = (state.step * batch)..<((state.step + 1) * batch)
                let rate = configuration.learningRate(step: state.epoch * stepsPerEpoch + state.step,
                                                      totalSteps: configuration.epochs * stepsPerEpoch)
                adam?.learningRate = rate
                sgd?.learningRate = rate
                let loss = try step(pairs: pairs, triplets: triplets, range: range)
                state.losses.append(loss)
                state.step += 1

                let now = DispatchTime.now().uptimeNanoseconds
                let seconds = Double(now - timer) / 1e9
                timer = now
                state.elapsedSeconds += seconds
                // Speed over the last ~50 steps, so the ETA follows the machine's current pace.
                recentPairs = recentPairs * 49 / 50 + batch
                recentSeconds = recentSeconds * 49 / 50 + seconds
                let speed = recentSeconds > 0 ? Double(recentPairs) / recentSeconds : 0
                let remainingSteps = (configuration.epochs - state.epoch) * stepsPerEpoch - state.step
                let epochLosses = state.losses[max(0, epochStart)...]
                progress(TrainingProgress(
                    epoch: state.epoch, epochs: configuration.epochs, step: state.step, stepsPerEpoch: stepsPerEpoch,
                    loss: epochLosses.reduce(0, +) / Float(max(epochLosses.count, 1)), pairsPerSecond: speed,
                    secondsRemaining: speed > 0 ? Double(remainingSteps * batch) / speed : 0))
            }
            state.epoch += 1
            state.step = 0
            if state.epoch == configuration.epochs { state.finished = true }
            try save(to: checkpointPath)
        }
        state.finished = true
        return .finished
    }

    /// One optimisation step on the pairs or triplets in `range`; returns the loss.
    func step(pairs: PairSet?, triplets: TripletSet?, range: Range<Int>) throws -> Float {
        let train = splits.train
        let loss: Variable
        let c = configuration.model
        if let triplets {
            let anchor = try model.embed(train.batch(triplets.anchor[range]))
            let positive = try model.embed(train.batch(triplets.positive[range]), secondBranch: true)
            let negative = try model.embed(train.batch(triplets.negative[range]), secondBranch: true)
            loss = try tripletMarginLoss(
                positiveDistances: try pairwiseDistance(anchor, positive, c.metric),
                negativeDistances: try pairwiseDistance(anchor, negative, c.metric), margin: c.margin)
        } else if let pairs {
            let labels = Tensor(vector: Array(pairs.similar[range]))
            switch c.loss {
            case .contrastive:
                let a = try model.embed(train.batch(pairs.first[range]))
                let b = try model.embed(train.batch(pairs.second[range]), secondBranch: true)
                loss = try contrastiveLoss(distances: try pairwiseDistance(a, b, c.metric), similar: labels, margin: c.margin)
            case .bce, .triplet:
                let stacked = c.architecture == .twoChannel ? train.stacked([pairs.first[range], pairs.second[range]]) : nil
                let logits = try model.similarity(
                    c.architecture == .twoChannel ? Tensor(zeros: [0]) : train.batch(pairs.first[range]),
                    c.architecture == .twoChannel ? Tensor(zeros: [0]) : train.batch(pairs.second[range]),
                    stacked: stacked)
                loss = try binaryCrossEntropyWithLogits(logits, targets: labels)
            }
        } else {
            throw MNISTError(path: "", message: "no pairs to train on")
        }
        adam?.zeroGrad()
        sgd?.zeroGrad()
        loss.backward()
        adam?.step()
        sgd?.step()
        let value = loss.value.item
        guard value.isFinite else {
            throw MNISTError(path: "", message: "the loss became \(value) at epoch \(state.epoch + 1), step \(state.step + 1); lower the learning rate")
        }
        return value
    }

    /// The generator of epoch `epoch`'s pairs: a function of the seed and the epoch only.
    func epochGenerator(_ epoch: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: configuration.seed ^ (UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15))
        return SplitMix64(seed: mixer.next())
    }

    /// Weights, optimizer state and progress.
    public func checkpoint() -> MNISTCheckpoint {
        var tensors = model.stateDict()
        for i in model.parameters.indices {
            if let m = adam?.firstMoments[i] { tensors["optimizer.m.\(i)"] = m }
            if let v = adam?.secondMoments[i] { tensors["optimizer.v.\(i)"] = v }
            if let velocity = sgd?.velocities[i] { tensors["optimizer.velocity.\(i)"] = velocity }
        }
        var saved = state
        saved.optimizerSteps = adam?.stepCount ?? 0
        return MNISTCheckpoint(configuration: configuration, state: saved, tensors: tensors)
    }

    public func save(to path: String) throws {
        try checkpoint().write(to: path)
    }
}
