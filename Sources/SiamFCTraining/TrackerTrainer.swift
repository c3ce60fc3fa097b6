import Dispatch
import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// Trains a SiamFC backbone on pairs of frames, as SiamFC does: exemplar and search crops go
/// through the same network, their cross-correlation is the response map, and a balanced
/// logistic loss pulls it towards 1 near the target and 0 elsewhere. Optionally a teacher model
/// adds soft targets (its own response maps) and feature hints (see ``Distillation``).
///
/// Runs are deterministic: step `k`'s pairs and augmentations come from generators seeded by
/// the run's seed and `k` only, and checkpoints keep weights, batch-norm statistics and momentum
/// bit for bit, so a resumed run ends exactly where an uninterrupted one does.
public final class TrackerTrainer {
    public let configuration: TrackerTrainingConfiguration
    public private(set) var state: TrackerTrainingState
    /// The student: an ``AlexNetBackbone`` in training mode.
    public let network: Sequential
    let distillation: Distillation?
    let data: TrainingSequences
    private let sgd: SGD

    public convenience init(configuration: TrackerTrainingConfiguration) throws {
        try self.init(configuration: configuration, state: TrackerTrainingState(), tensors: nil)
    }

    /// Continues the run saved in `checkpoint` (read from `path`).
    public convenience init(resuming checkpoint: TrackerCheckpoint, path: String) throws {
        try self.init(configuration: checkpoint.configuration, state: checkpoint.state, tensors: (checkpoint.tensors, path))
    }

    private init(configuration: TrackerTrainingConfiguration, state: TrackerTrainingState,
                 tensors: ([String: Tensor], String)?) throws {
        try configuration.validate()
        self.configuration = configuration
        self.state = state
        data = try TrainingSequences(roots: configuration.trainingData, maximumGap: configuration.maximumFrameGap)
        var generator = SplitMix64(seed: configuration.seed, stream: 100)
        network = AlexNetBackbone.make(widths: configuration.widths, using: &generator)
        Self.initializeAsSiamFC(network, using: &generator)
        if let teacher = configuration.teacher {
            distillation = try Distillation(teacherPath: teacher, studentWidth: configuration.widths[4],
                                            featureWeight: configuration.featureDistillationWeight,
                                            responseWeight: configuration.responseDistillationWeight, using: &generator)
        } else {
            distillation = nil
        }
        let parameters = network.parameters + (distillation?.adapter?.parameters ?? [])
        sgd = SGD(parameters: parameters, learningRate: configuration.initialLearningRate,
                  momentum: configuration.momentum, weightDecay: configuration.weightDecay)
        if let (saved, path) = tensors {
            do {
                try network.load(stateDict: saved, prefix: "model.", source: path)
                try distillation?.adapter?.load(stateDict: saved, prefix: "adapter.", source: path)
            } catch let error as EngineError {
                throw TrainingError(error.description)
            }
            for i in parameters.indices {
                guard let velocity = saved["optimizer.velocity.\(i)"] else { continue }
                guard velocity.shape == parameters[i].shape else {
                    throw TrainingError("\(path): optimizer.velocity.\(i) has shape \(velocity.shape), expected \(parameters[i].shape)")
                }
                sgd.velocities[i] = velocity
            }
        }
    }

    /// Kaiming-normal convolution weights (fan-out, for ReLU) and zero biases, as SiamFC
    /// initialises its backbone; batch norm starts as the identity. The convolutions are drawn in
    /// the network's order, so a seed gives the same weights on every run.
    static func initializeAsSiamFC(_ network: Sequential, using g: inout SplitMix64) {
        for conv in network.modules(of: Conv2d.self) {
            let s = conv.weight.shape
            let std = (2 / Double(s[0] * s[2] * s[3])).squareRoot()
            conv.weight.value = Tensor(uninitializedShape: s) { out in
                for i in out.indices { out[i] = Float(std * Self.normal(&g)) }
            }
            if let bias = conv.bias { bias.value = Tensor(zeros: bias.shape) }
        }
    }

    static func normal(_ g: inout SplitMix64) -> Double {
        let u = max(g.nextUnit(), 1e-300), v = g.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// The learning rate of `step`: exponential from the initial to the final rate over the run.
    public func learningRate(step: Int) -> Float {
        ExponentialDecay(initial: configuration.initialLearningRate, final: configuration.finalLearningRate,
                         steps: max(configuration.totalSteps - 1, 1)).learningRate(at: step)
    }

    /// The tracking model of the network as it is now (batch norm folded, running statistics).
    public func trackingModel(source: String = "training") throws -> SiamFCModel {
        try SiamFCModel(state: network.stateDict(), source: source)
    }

    /// Trains to the end of the configured epochs, writing into `directory`: `checkpoint.safetensors`
    /// every `checkpointEvery` steps and after each epoch, `model.safetensors` (the weights alone,
    /// siamfc-pytorch names) and `loss.png` after each epoch. `validate` scores the current model
    /// (the CLI runs one-pass evaluation on the validation sequences). When `shouldStop` returns
    /// true, saves a checkpoint and returns ``TrainingOutcome/interrupted``. The progress's loss is
    /// the mean of the last (up to) 50 steps.
    public func train(directory: String, progress: (TrainingProgress) -> Void = { _ in },
                      validate: ((SiamFCModel) throws -> (success: Double, precision: Double))? = nil,
                      shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        try FileSystem.createDirectories(directory)
        let checkpointPath = directory + "/checkpoint.safetensors"
        let perEpoch = configuration.stepsPerEpoch
        var recent: [Double] = []
        while state.step < configuration.totalSteps {
            if shouldStop() {
                try save(to: checkpointPath)
                return .interrupted
            }
            let start = DispatchTime.now().uptimeNanoseconds
            sgd.learningRate = learningRate(step: state.step)
            let (total, label) = try step(on: try makeBatch(step: state.step))
            state.losses.append(total)
            state.labelLosses.append(label)
            state.step += 1
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            state.elapsedSeconds += seconds
            recent.append(seconds)
            if recent.count > 50 { recent.removeFirst() }
            let speed = Double(recent.count * configuration.batchSize) / max(recent.reduce(0, +), 1e-9)
            let window = state.losses.suffix(50)
            progress(TrainingProgress(
                epoch: (state.step - 1) / perEpoch, epochs: configuration.epochs, step: (state.step - 1) % perEpoch + 1,
                stepsPerEpoch: perEpoch, loss: window.reduce(0, +) / Float(window.count), pairsPerSecond: speed,
                secondsRemaining: Double((configuration.totalSteps - state.step) * configuration.batchSize) / speed))
            if state.step % perEpoch == 0 {
                let epoch = state.step / perEpoch
                if let validate {
                    let score = try validate(try trackingModel(source: "epoch \(epoch)"))
                    state.validation.append(.init(epoch: epoch, successScore: score.success, precisionScore: score.precision))
                }
                state.finished = state.step == configuration.totalSteps
                try exportModel(to: directory + "/model.safetensors")
                try TrainingPlots.write(state: state, stepsPerEpoch: perEpoch, to: directory + "/loss.png")
                try save(to: checkpointPath)
            } else if state.step % configuration.checkpointEvery == 0 {
                try save(to: checkpointPath)
            }
        }
        return .finished
    }

    /// One SGD step on `batch`; returns the total loss and its label part.
    func step(on batch: Batch) throws -> (total: Float, label: Float) {
        let exemplarFeatures = try network(Variable(batch.exemplars))
        let searchFeatures = try network(Variable(batch.searches))
        let responses = try crossCorrelation(search: searchFeatures, exemplar: exemplarFeatures,
                                             scale: TrackerTrainingConfiguration.tracking.responseScale)
        let labelLoss = try binaryCrossEntropyWithLogits(responses, targets: batch.labels, weights: batch.weights, reduction: .sum)
        var loss = labelLoss
        if let distillation {
            loss = try loss + distillation.loss(
                exemplars: batch.exemplars, searches: batch.searches, studentExemplarFeatures: exemplarFeatures,
                studentSearchFeatures: searchFeatures, studentResponses: responses, weights: batch.weights)
        }
        sgd.zeroGrad()
        loss.backward()
        sgd.step()
        let value = loss.value.item
        guard value.isFinite else {
            throw TrainingError("the loss became \(value) at step \(state.step + 1); lower the learning rate")
        }
        return (value, labelLoss.value.item)
    }

    struct Batch {
        var exemplars: Tensor
        var searches: Tensor
        var labels: Tensor
        /// Balanced weights divided by the batch size, so that the summed loss is a mean over pairs.
        var weights: Tensor
    }

    /// The pairs of step `step`: each pair's generator depends on the seed, the step and its slot,
    /// so batches are the same whatever the thread timing and after a resume.
    func makeBatch(step: Int) throws -> Batch {
        let n = configuration.batchSize
        let side = TrackerTrainingConfiguration.responseSize
        // Decoding and cropping take about a fifth of a step: spread the pairs over the cores.
        var made = [Result<TrainingPair, Error>?](repeating: nil, count: n)
        made.withUnsafeMutableBufferPointer { slots in
            Parallel.forEachChunk(n, costPerItem: 1 << 20) { range in
                for i in range { slots[i] = Result { try makePair(step: step, slot: i) } }
            }
        }
        let pairs = try made.map { slot in
            guard let slot else { throw TrainingError("a training pair was not made") }
            return try slot.get()
        }
        var labels: [Float] = [], weights: [Float] = []
        var exemplars: [Tensor] = [], searches: [Tensor] = []
        for pair in pairs {
            let made = ResponseLabels.make(targetOffset: pair.targetOffset, side: side,
                                           stride: TrackerTrainingConfiguration.totalStride, radius: configuration.positiveRadius)
            labels += made.labels
            weights += made.weights.map { $0 / Float(n) }
            exemplars.append(pair.exemplar)
            searches.append(pair.search)
        }
        return Batch(exemplars: try Tensor.concatBatch(exemplars), searches: try Tensor.concatBatch(searches),
                     labels: try Tensor(shape: [n, 1, side, side], values: labels),
                     weights: try Tensor(shape: [n, 1, side, side], values: weights))
    }

    func makePair(step: Int, slot: Int) throws -> TrainingPair {
        var g = SplitMix64(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15), stream: UInt64(slot + 1))
        let (s, z, x) = data.pair(using: &g)
        let sequence = data.sequences[s]
        guard let zBox = sequence.boxes[z], let xBox = sequence.boxes[x] else {
            throw TrainingError("\(sequence.name): frame without a box was drawn")
        }
        let decoder = ImageDecoder()
        let zFrame = try decoder.decode(file: sequence.frames[z])
        let xFrame = x == z ? zFrame : try decoder.decode(file: sequence.frames[x])
        return try TrainingPair(exemplarFrame: zFrame, exemplarBox: zBox, searchFrame: xFrame, searchBox: xBox, using: &g)
    }

    /// The network's weights alone, with siamfc-pytorch names (`backbone.conv1.0.weight`, …), as
    /// ``SiamFCModel`` and `siamfc track --model` load them; the metadata records the run.
    public func exportModel(to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in network.stateDict() { tensors["backbone." + name] = tensor }
        let metadata = [
            "siamfc.widths": configuration.widths.map(String.init).joined(separator: ","),
            "siamfc.steps": String(state.step),
            "siamfc.batch_size": String(configuration.batchSize),
            "siamfc.teacher": configuration.teacher.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "none",
        ]
        do {
            try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
        } catch let error as EngineError {
            throw TrainingError(error.description)
        }
    }

    public func checkpoint() -> TrackerCheckpoint {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in network.stateDict() { tensors["model." + name] = tensor }
        for (name, tensor) in distillation?.adapter?.stateDict() ?? [:] { tensors["adapter." + name] = tensor }
        for (i, velocity) in sgd.velocities.enumerated() {
            if let velocity { tensors["optimizer.velocity.\(i)"] = velocity }
        }
        return TrackerCheckpoint(configuration: configuration, state: state, tensors: tensors)
    }

    public func save(to path: String) throws {
        try checkpoint().write(to: path)
    }
}
