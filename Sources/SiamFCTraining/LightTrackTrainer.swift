import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCEngine
import SiamFCImageIO
import SiamFCONNX
import SiamFCSupport
import SiamFCTracker

/// Trains a ``LightTrackNetwork`` from random initialisation (or from the model of an earlier run,
/// ``LightTrackTrainingConfiguration/initialModel``) on pairs of frames, as anchor-free
/// Siamese trackers train: template and search crops go through the same backbone, the head
/// predicts a class and a box per cell of the 16x16 map, and the losses are a balanced two-class
/// cross-entropy on the labels (positives inside the ellipse of the target's box) and a GIoU loss
/// on the positives' boxes. With a teacher (a NanoTrack-interface ONNX pair, run by our engine),
/// the student also matches the teacher's class probabilities and boxes, and its search features
/// are mapped by a training-only 1x1 convolution onto the teacher's (a feature hint), and
/// optionally an earlier block's output onto a value inside the teacher's backbone (an
/// intermediate hint, ``LightTrackTrainingConfiguration/intermediateHint``).
///
/// Runs are deterministic: step `k`'s pairs and augmentations come from generators seeded by the
/// run's seed and `k` only, and checkpoints keep weights, batch-norm statistics and Adam's
/// moments, so a resumed run ends exactly where an uninterrupted one does.
public final class LightTrackTrainer {
    public let configuration: LightTrackTrainingConfiguration
    public private(set) var state: LightTrackTrainingState
    public let network: LightTrackNetwork
    let teacher: NanoTrackModel?
    /// Student search features → teacher channels (training only).
    let hintAdapter: Conv2d?
    /// The second hint, when the configuration asks for one.
    let intermediateHint: IntermediateHint?
    let data: TrainingSequences
    private let adam: Adam
    /// The moving average of the network's state dictionary, when
    /// ``LightTrackTrainingConfiguration/averageDecay`` asks for one.
    private(set) var average: [String: Tensor]?

    public convenience init(configuration: LightTrackTrainingConfiguration) throws {
        try self.init(configuration: configuration, state: LightTrackTrainingState(), tensors: nil)
    }

    /// Continues the run saved in `checkpoint` (read from `path`).
    public convenience init(resuming checkpoint: LightTrackCheckpoint, path: String) throws {
        try self.init(configuration: checkpoint.configuration, state: checkpoint.state, tensors: (checkpoint.tensors, path))
    }

    private init(configuration: LightTrackTrainingConfiguration, state: LightTrackTrainingState,
                 tensors: ([String: Tensor], String)?) throws {
        try configuration.validate()
        self.configuration = configuration
        self.state = state
        data = try TrainingSequences(roots: configuration.trainingData, maximumGap: configuration.maximumFrameGap)
        var generator = SplitMix64(seed: configuration.seed, stream: 200)
        network = try LightTrackNetwork(configuration: configuration.networkConfiguration, using: &generator)
        if let backbone = configuration.teacherBackbone, let head = configuration.teacherHead {
            let teacher = try NanoTrackModel(backbone: backbone, head: head)
            self.teacher = teacher
            let channels = try teacher.features(Tensor(zeros: [1, 3, 255, 255])).shape[1]
            let studentChannels = try network.folded().features(Tensor(zeros: [1, 3, 255, 255])).shape[1]
            hintAdapter = Conv2d(studentChannels, channels, kernel: 1, using: &generator)
            intermediateHint = try configuration.intermediateHint.map { value in
                try IntermediateHint(value: value, teacherBackbone: backbone, student: configuration.networkConfiguration,
                                     using: &generator)
            }
        } else {
            teacher = nil
            hintAdapter = nil
            intermediateHint = nil
        }
        if tensors == nil, let initial = configuration.initialModel {
            do {
                try network.load(stateDict: try LightTrackNetwork(contentsOf: initial).stateDict(), prefix: "", source: initial)
            } catch let error as EngineError {
                throw TrainingError(error.description)
            }
        }
        adam = Adam(parameters: network.parameters + (hintAdapter?.parameters ?? []) + (intermediateHint?.adapter.parameters ?? []),
                    learningRate: configuration.learningRate,
                    weightDecay: configuration.weightDecay)
        if let (saved, path) = tensors {
            do {
                try network.load(stateDict: saved, prefix: "model.", source: path)
                try hintAdapter?.load(stateDict: saved, prefix: "adapter.", source: path)
                try intermediateHint?.adapter.load(stateDict: saved, prefix: "intermediateAdapter.", source: path)
            } catch let error as EngineError {
                throw TrainingError(error.description)
            }
            for i in adam.parameters.indices {
                for (name, target) in [("first", 0), ("second", 1)] {
                    guard let moment = saved["optimizer.\(name).\(i)"] else { continue }
                    guard moment.shape == adam.parameters[i].shape else {
                        throw TrainingError("\(path): optimizer.\(name).\(i) has shape \(moment.shape), expected \(adam.parameters[i].shape)")
                    }
                    if target == 0 { adam.firstMoments[i] = moment } else { adam.secondMoments[i] = moment }
                }
            }
            adam.stepCount = state.step
        }
        if (configuration.averageDecay ?? 0) > 0 {
            if let (saved, path) = tensors {
                average = try network.stateDict().reduce(into: [:]) { average, entry in
                    guard let value = saved["average." + entry.key], value.shape == entry.value.shape else {
                        throw TrainingError("\(path): average.\(entry.key) is missing or has the wrong shape")
                    }
                    average[entry.key] = value
                }
            } else {
                average = network.stateDict()
            }
        }
    }

    /// Moves the average towards the network's state after step `t` (0-based).
    private func updateAverage(step t: Int) {
        guard let decay = configuration.averageDecay, decay > 0, var values = average else { return }
        // Taken out, so that each tensor is mutated in place rather than copied.
        average = nil
        let d = min(decay, Float(1 + t) / Float(10 + t))
        for (name, live) in network.stateDict() {
            guard var value = values.removeValue(forKey: name) else { preconditionFailure("LightTrackTrainer: no average of \(name)") }
            live.withUnsafeBufferPointer { l in
                value.withUnsafeMutableBufferPointer { a in
                    for i in a.indices { a[i] = d * a[i] + (1 - d) * l[i] }
                }
            }
            values[name] = value
        }
        average = values
    }

    /// The network whose model is written and validated: the average when there is one.
    func exportedNetwork() throws -> LightTrackNetwork {
        guard let average else { return network }
        var generator = SplitMix64(seed: 0)
        let copy = try LightTrackNetwork(configuration: network.configuration, using: &generator)
        try copy.load(stateDict: average, source: "the weight average")
        return copy
    }

    /// The tracking model of the network as it is now (batch norm folded with its running
    /// statistics; the corrected size penalty).
    public func trackingModel(source: String = "training") throws -> NanoTrackModel {
        try NanoTrackModel(networks: try exportedNetwork().folded(), source: source, configuration: .lightTrack)
    }

    /// Trains to the end of the configured epochs, writing into `directory`:
    /// `checkpoint.safetensors` every `checkpointEvery` steps and after each epoch;
    /// `model.safetensors` (the model file `siamfc track --model` reads) and `loss.png` after
    /// each epoch; `best.safetensors`, the epoch with the best validation AUC so far, when
    /// `validate` is given. When `shouldStop` returns true, saves a checkpoint and returns
    /// ``TrainingOutcome/interrupted``.
    public func train(directory: String, progress: (TrainingProgress) -> Void = { _ in },
                      validate: ((NanoTrackModel) throws -> (success: Double, precision: Double))? = nil,
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
            adam.learningRate = configuration.learningRate(step: state.step)
            let losses = try step(on: try makeBatch(step: state.step))
            state.losses.append(losses.total)
            state.classLosses.append(losses.classes)
            state.boxLosses.append(losses.boxes)
            state.teacherLosses.append(losses.teacher)
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
                try exportModel(to: directory + "/model.safetensors")
                if let validate {
                    let score = try validate(try trackingModel(source: "epoch \(epoch)"))
                    state.validation.append(.init(epoch: epoch, successScore: score.success, precisionScore: score.precision))
                    let best = state.bestEpoch.flatMap { e in state.validation.first { $0.epoch == e } }
                    if best.map({ score.success > $0.successScore }) ?? true {
                        state.bestEpoch = epoch
                        try exportModel(to: directory + "/best.safetensors")
                    }
                }
                state.finished = state.step == configuration.totalSteps
                try TrainingPlots.write(state: state, stepsPerEpoch: perEpoch, to: directory + "/loss.png")
                try save(to: checkpointPath)
            } else if state.step % configuration.checkpointEvery == 0 {
                try save(to: checkpointPath)
            }
        }
        return .finished
    }

    /// The losses of one step, each already weighted.
    struct StepLosses {
        var total: Float, classes: Float, boxes: Float, teacher: Float
    }

    /// One Adam step on `batch`.
    func step(on batch: Batch) throws -> StepLosses {
        network.setTraining(true)
        let templateFeatures = try network(Variable(batch.templates))
        let searchFeatures: Variable, kept: Variable?
        if let hint = intermediateHint {
            (searchFeatures, kept) = try network.forward(Variable(batch.searches), keeping: hint.block)
        } else {
            (searchFeatures, kept) = (try network(Variable(batch.searches)), nil)
        }
        let (classes, distances) = try network.head(template: templateFeatures, search: searchFeatures)
        let classLoss = try twoClassCrossEntropy(classes, targets: batch.labels, weights: batch.classWeights)
        let boxLoss = try boxIoULoss(distances, targets: batch.distances, weights: batch.boxWeights) * configuration.boxLossWeight
        var loss = try classLoss + boxLoss
        var teacherLoss: Variable?
        if let soft = batch.teacher, let adapter = hintAdapter {
            var t = try twoClassCrossEntropy(classes, targets: soft.probabilities, weights: soft.classWeights) * configuration.softClassWeight
            t = try t + (try boxIoULoss(distances, targets: soft.distances, weights: soft.boxWeights) * configuration.softBoxWeight)
            if configuration.featureHintWeight > 0 {
                let hint = try meanSquaredError(try adapter(searchFeatures), target: soft.features)
                t = try t + hint * (configuration.featureHintWeight / max(soft.featureMeanSquare, 1e-6))
            }
            if let intermediate = intermediateHint, let kept, let target = soft.intermediate {
                let hint = try meanSquaredError(try intermediate.adapter(kept), target: target.features)
                t = try t + hint * (configuration.effectiveIntermediateHintWeight / max(target.meanSquare, 1e-6))
            }
            loss = try loss + t
            teacherLoss = t
        }
        adam.zeroGrad()
        loss.backward()
        adam.step()
        updateAverage(step: state.step)
        let value = loss.value.item
        guard value.isFinite else {
            throw TrainingError("the loss became \(value) at step \(state.step + 1); lower the learning rate")
        }
        return StepLosses(total: value, classes: classLoss.value.item, boxes: boxLoss.value.item, teacher: teacherLoss?.value.item ?? 0)
    }

    /// The teacher's outputs for a batch, as soft targets.
    struct TeacherTargets {
        var probabilities: Tensor
        var classWeights: Tensor
        var distances: Tensor
        /// `1/#cells` (over the batch) on the cells the teacher gives at least 0.5, 0 elsewhere.
        var boxWeights: Tensor
        var features: Tensor
        var featureMeanSquare: Float
        /// The teacher's hidden value for the intermediate hint, and its mean square.
        var intermediate: (features: Tensor, meanSquare: Float)?
    }

    struct Batch {
        var templates: Tensor
        var searches: Tensor
        var labels: Tensor
        /// Weights divided by the batch size, so that summed losses are means over pairs.
        var classWeights: Tensor
        var distances: Tensor
        var boxWeights: Tensor
        var teacher: TeacherTargets?
    }

    /// One pair with the teacher's outputs on it.
    struct MadePair {
        var pair: LightTrackPair
        var teacher: TeacherOutputs?
    }

    /// The teacher's outputs on one pair: the head's, the search features and, for an
    /// intermediate hint, the hidden value on the search crop.
    struct TeacherOutputs {
        var classes: Tensor, distances: Tensor, features: Tensor
        var intermediate: Tensor?
    }

    /// The pairs of step `step` (and the teacher's outputs on them), made on all cores; each
    /// pair's generator depends on the seed, the step and its slot only.
    func makeBatch(step: Int) throws -> Batch {
        let n = configuration.batchSize
        var made = [Result<MadePair, Error>?](repeating: nil, count: n)
        made.withUnsafeMutableBufferPointer { slots in
            Parallel.forEachChunk(n, costPerItem: 1 << 20) { range in
                for i in range { slots[i] = Result { try makePair(step: step, slot: i) } }
            }
        }
        let pairs = try made.map { slot in
            guard let slot else { throw TrainingError("a training pair was not made") }
            return try slot.get()
        }
        let cells = AnchorFreeTargets.cells, side = AnchorFreeTargets.side
        let scale = 1 / Float(n)
        let batch = Batch(
            templates: try Tensor.concatBatch(pairs.map(\.pair.template)),
            searches: try Tensor.concatBatch(pairs.map(\.pair.search)),
            labels: try Tensor(shape: [n, 1, side, side], values: pairs.flatMap(\.pair.targets.labels)),
            classWeights: try Tensor(shape: [n, 1, side, side], values: pairs.flatMap { $0.pair.targets.classWeights.map { $0 * scale } }),
            distances: try Tensor(shape: [n, 4, side, side], values: pairs.flatMap(\.pair.targets.distances)),
            boxWeights: try Tensor(shape: [n, 1, side, side], values: pairs.flatMap { $0.pair.targets.boxWeights.map { $0 * scale } }),
            teacher: try teacherTargets(pairs.compactMap(\.teacher), cells: cells, side: side))
        return batch
    }

    func teacherTargets(_ outputs: [TeacherOutputs], cells: Int, side: Int) throws -> TeacherTargets? {
        guard !outputs.isEmpty else { return nil }
        let n = outputs.count
        var probabilities = [Float](), distances = [Float](), boxWeights = [Float](), features: [Tensor] = []
        for output in outputs {
            let logits = output.classes.scalars
            var sure: [Int] = []
            for i in 0..<cells {
                let d = logits[cells + i] - logits[i]
                let p = 1 / (1 + expf(-d))
                probabilities.append(p)
                if p >= 0.5 { sure.append(i) }
            }
            distances += output.distances.scalars
            var weights = [Float](repeating: 0, count: cells)
            for i in sure { weights[i] = 1 / Float(sure.count * n) }
            boxWeights += weights
            features.append(output.features)
        }
        func meanSquare(_ t: Tensor) -> Float {
            Float(t.scalars.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(t.count, 1)))
        }
        let featureTensor = try Tensor.concatBatch(features)
        let hidden = outputs.compactMap(\.intermediate)
        let intermediate = try hidden.count == n ? Tensor.concatBatch(hidden) : nil
        return TeacherTargets(
            probabilities: try Tensor(shape: [n, 1, side, side], values: probabilities),
            classWeights: Tensor(uninitializedShape: [n, 1, side, side]) { p in for i in p.indices { p[i] = 1 / Float(cells * n) } },
            distances: try Tensor(shape: [n, 4, side, side], values: distances),
            boxWeights: try Tensor(shape: [n, 1, side, side], values: boxWeights),
            features: featureTensor, featureMeanSquare: meanSquare(featureTensor),
            intermediate: intermediate.map { ($0, meanSquare($0)) })
    }

    func makePair(step: Int, slot: Int) throws -> MadePair {
        var g = SplitMix64(seed: configuration.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15), stream: UInt64(slot + 1))
        let (s, z, x) = data.pair(using: &g)
        var searchSequence = s, searchFrameIndex = x
        let negative = data.sequences.count > 1 && g.nextUnit() < configuration.negativePairProbability
        if negative {
            // Another sequence's frame: the crop holds something else.
            (searchSequence, searchFrameIndex) = frameOfAnotherSequence(than: s, using: &g)
        }
        let templateSequence = data.sequences[s], other = data.sequences[searchSequence]
        guard let zBox = templateSequence.boxes[z], let xBox = other.boxes[searchFrameIndex] else {
            throw TrainingError("\(templateSequence.name): frame without a box was drawn")
        }
        let decoder = ImageDecoder()
        let zFrame = try decoder.decode(file: templateSequence.frames[z])
        let xFrame = !negative && searchFrameIndex == z ? zFrame : try decoder.decode(file: other.frames[searchFrameIndex])
        // Drawn only when asked for, so that runs without distractors keep their random streams.
        var distractor: LightTrackPair.Distractor?
        let distractors = configuration.distractorProbability ?? 0
        if distractors > 0, data.sequences.count > 1, g.nextUnit() < distractors {
            let (d, f) = frameOfAnotherSequence(than: s, using: &g)
            let sequence = data.sequences[d]
            if let box = sequence.boxes[f] { distractor = .init(frame: try decoder.decode(file: sequence.frames[f]), box: box) }
        }
        // Likewise: a pseudo-target's search crop is taken where the region was in the template
        // frame; the teacher says where it is now.
        var region: BoundingBox?
        let pseudoTargets = configuration.pseudoTargetProbability ?? 0
        if pseudoTargets > 0, !negative, g.nextUnit() < pseudoTargets {
            region = LightTrackPair.pseudoTarget(in: zFrame, besides: zBox, using: &g)
        }
        var pair = LightTrackPair(templateFrame: zFrame, templateBox: region ?? zBox, searchFrame: xFrame, searchBox: region ?? xBox,
                                  positive: !negative, distractor: distractor, using: &g)
        guard let teacher else { return MadePair(pair: pair, teacher: nil) }
        let searchFeatures: Tensor, hidden: Tensor?
        if let intermediateHint {
            (searchFeatures, hidden) = try intermediateHint.teacherOutputs(pair.search)
        } else {
            (searchFeatures, hidden) = (try teacher.features(pair.search), nil)
        }
        let (classes, distances) = try teacher.head(template: try teacher.features(pair.template), search: searchFeatures)
        if region != nil {
            pair.targets = AnchorFreeTargets(teacherClasses: classes.scalars, distances: distances.scalars,
                                             confidence: LightTrackPair.pseudoTargetConfidence)
        }
        return MadePair(pair: pair, teacher: TeacherOutputs(classes: classes, distances: distances, features: searchFeatures,
                                                            intermediate: hidden))
    }

    /// A usable frame of a sequence other than `s` (there must be another).
    private func frameOfAnotherSequence(than s: Int, using g: inout SplitMix64) -> (sequence: Int, frame: Int) {
        let other = (s + 1 + Int(g.next() % UInt64(data.sequences.count - 1))) % data.sequences.count
        let usable = data.sequences[other].usable
        return (other, usable[Int(g.next() % UInt64(usable.count))])
    }

    /// The network's model file (see ``LightTrackNetwork``); the metadata records the run.
    public func exportModel(to path: String) throws {
        let teacherName = configuration.teacherBackbone.map { PathName.lastComponent($0) } ?? "none"
        do {
            try exportedNetwork().save(to: path, metadata: ["siamfc.steps": String(state.step), "siamfc.teacher": teacherName])
        } catch let error as TrackerError {
            throw TrainingError(error.message)
        }
    }

    public func checkpoint() -> LightTrackCheckpoint {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in network.stateDict() { tensors["model." + name] = tensor }
        for (name, tensor) in hintAdapter?.stateDict() ?? [:] { tensors["adapter." + name] = tensor }
        for (name, tensor) in intermediateHint?.adapter.stateDict() ?? [:] { tensors["intermediateAdapter." + name] = tensor }
        for (name, tensor) in average ?? [:] { tensors["average." + name] = tensor }
        for i in adam.parameters.indices {
            if let m = adam.firstMoments[i] { tensors["optimizer.first.\(i)"] = m }
            if let v = adam.secondMoments[i] { tensors["optimizer.second.\(i)"] = v }
        }
        return LightTrackCheckpoint(configuration: configuration, state: state, tensors: tensors)
    }

    public func save(to path: String) throws {
        try checkpoint().write(to: path)
    }
}
