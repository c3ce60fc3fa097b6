import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCTestSupport
@testable import SiamFCTraining
import SiamFCSynthetic
import SiamFCSupport

@Suite struct TrackerTrainerTests {
    /// A short synthetic sequence (the demo renderer) and a small random teacher model.
    static func fixture(_ dir: String, frames: Int = 12) throws -> (sequence: String, teacher: String) {
        let demo = SyntheticSequence(configuration: .init(width: 200, height: 150, frameCount: frames, seed: 7))
        try SequenceWriter.write(to: dir + "/seq", frameCount: frames) { demo.frame($0) }
        var g = SplitMix64(seed: 9)
        var state: [String: Tensor] = [:]
        for (k, v) in AlexNetBackbone.make(widths: [8, 12, 12, 12, 10], using: &g).stateDict() { state["backbone." + k] = v }
        try SafetensorsFile(tensors: state).write(to: dir + "/teacher.safetensors")
        return (dir + "/seq", dir + "/teacher.safetensors")
    }

    static func configuration(_ data: String, steps: Int) -> TrackerTrainingConfiguration {
        var c = TrackerTrainingConfiguration()
        c.trainingData = [data]
        c.widths = [8, 16, 16, 16, 12]
        c.batchSize = 4
        c.pairsPerEpoch = 4 * steps
        c.initialLearningRate = 0.1
        c.finalLearningRate = 0.1
        c.epochs = 1
        c.checkpointEvery = 1
        return c
    }

    /// SiamFC's initialisation: every convolution Kaiming-normal with fan-out (in network order,
    /// from the seed) and a zero bias, batch norm the identity.
    @Test func initialisesEveryConvolutionAsSiamFCDoes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try Self.fixture(dir)
        let trainer = try TrackerTrainer(configuration: Self.configuration(sequence, steps: 1))
        let convolutions = trainer.network.modules(of: Conv2d.self)
        #expect(convolutions.count == 5)
        for conv in convolutions {
            let s = conv.weight.shape
            let values = conv.weight.value.withUnsafeBufferPointer { Array($0) }
            let variance = values.reduce(0) { $0 + Double($1 * $1) } / Double(values.count)
            let expected = 2 / Double(s[0] * s[2] * s[3])
            #expect(abs(variance / expected - 1) < 0.3, "\(s): variance \(variance), expected \(expected)")
            #expect(conv.bias?.value == Tensor(zeros: [s[0]]))
        }
        for norm in trainer.network.modules(of: BatchNorm2d.self) {
            #expect(norm.gamma.value == Tensor(repeating: 1, shape: norm.gamma.shape) && norm.beta.value == Tensor(zeros: norm.beta.shape))
        }
        let again = try TrackerTrainer(configuration: Self.configuration(sequence, steps: 1))
        #expect(again.network.stateDict() == trainer.network.stateDict())
    }

    /// Learning from scratch takes thousands of steps, too many for a test; repeated steps on
    /// one batch must still drive its loss down, through every layer of the backbone.
    @Test func stepsOnOneBatchDriveItsLossDown() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try Self.fixture(dir)
        let trainer = try TrackerTrainer(configuration: Self.configuration(sequence, steps: 1))
        let batch = try trainer.makeBatch(step: 0)
        #expect(batch.exemplars.shape == [4, 3, 127, 127] && batch.searches.shape == [4, 3, 239, 239])
        #expect(batch.labels.shape == [4, 1, 15, 15] && abs(batch.weights.sum() - 1) < 1e-5)
        let firstLayer = trainer.network.parameters[0].value
        var losses: [Float] = []
        for _ in 0..<25 { losses.append(try trainer.step(on: batch).label) }
        // Kaiming weights and the 0.001 response scale start every logit near 0: loss ln 2.
        #expect(abs(losses[0] - 0.693) < 0.05)
        #expect(losses.suffix(5).reduce(0, +) / 5 < 0.9 * losses[0], "losses \(losses)")
        #expect(trainer.network.parameters[0].value != firstLayer)
    }

    @Test func aShortRunWritesAModelThatTracksALossPlotAndACheckpoint() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try Self.fixture(dir)
        let c = Self.configuration(sequence, steps: 3)
        let trainer = try TrackerTrainer(configuration: c)
        var validated: [Double] = []
        #expect(try trainer.train(directory: dir + "/run", validate: { model in
            let tracker = try SiamFCTracker(model: model)
            try tracker.initialize(frame: RGBImage(width: 64, height: 48), box: BoundingBox(x: 10, y: 10, width: 20, height: 16))
            let score = Double(try tracker.update(frame: RGBImage(width: 64, height: 48)).score)
            validated.append(score)
            return (0.25, 0.5)
        }) == .finished)
        #expect(trainer.state.labelLosses.count == 3 && validated.count == 1 && validated[0].isFinite)
        #expect(trainer.state.validation == [.init(epoch: 1, successScore: 0.25, precisionScore: 0.5)])
        let model = try SiamFCModel(contentsOf: dir + "/run/model.safetensors")
        #expect(model.backbone.widths == [8, 16, 16, 16, 12])
        let png = try ImageDecoder().decode(file: dir + "/run/loss.png")
        #expect(png.width == 800 && png.height == 600)
        let checkpoint = try TrackerCheckpoint.read(path: dir + "/run/checkpoint.safetensors")
        #expect(checkpoint.state.finished && checkpoint.state.step == 3 && checkpoint.configuration == c)
        // The metadata keys of the checkpoints written so far, which must keep loading.
        let metadata = try SafetensorsFile.read(path: dir + "/run/checkpoint.safetensors").metadata
        #expect(Set(metadata.keys) == ["siamfc.train.configuration", "siamfc.train.state"])
        let error = #expect(throws: TrainingCheckpointError.self) { try TrackerCheckpoint.read(path: dir + "/run/model.safetensors") }
        #expect(error?.description == dir + "/run/model.safetensors: not a tracker training checkpoint (no training configuration in its metadata)")
    }

    /// Two steps, a checkpoint, two more steps from it: the same weights, batch-norm statistics
    /// and momentum as four steps in one go, with a teacher (both distillation losses) in play.
    @Test func resumingEndsBitForBitWhereAnUninterruptedRunEnds() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, teacher) = try Self.fixture(dir)
        var c = Self.configuration(sequence, steps: 4)
        c.teacher = teacher
        let whole = try TrackerTrainer(configuration: c)
        #expect(try whole.train(directory: dir + "/whole") == .finished)

        let first = try TrackerTrainer(configuration: c)
        var steps = 0
        let outcome = try first.train(directory: dir + "/parts", shouldStop: {
            defer { steps += 1 }
            return steps == 2
        })
        #expect(outcome == .interrupted && first.state.step == 2)
        let saved = try TrackerCheckpoint.read(path: dir + "/parts/checkpoint.safetensors")
        let second = try TrackerTrainer(resuming: saved, path: dir + "/parts/checkpoint.safetensors")
        #expect(try second.train(directory: dir + "/parts") == .finished)

        #expect(second.state.losses == whole.state.losses)
        let a = whole.checkpoint().tensors, b = second.checkpoint().tensors
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a.keys.contains("adapter.weight") && a.keys.contains("model.conv3.1.running_var"))
        for (name, tensor) in a { #expect(b[name] == tensor, "\(name)") }
    }

    @Test func distillationAddsToTheLabelLossAndTrainsTheAdapter() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, teacher) = try Self.fixture(dir)
        var c = Self.configuration(sequence, steps: 3)
        c.teacher = teacher
        let trainer = try TrackerTrainer(configuration: c)
        let adapterBefore = try #require(trainer.distillation?.adapter?.weight.value)
        #expect(adapterBefore.shape == [10, 12, 1, 1])
        _ = try trainer.train(directory: dir + "/run")
        for (total, label) in zip(trainer.state.losses, trainer.state.labelLosses) { #expect(total > label) }
        #expect(trainer.distillation?.adapter?.weight.value != adapterBefore)

        c.featureDistillationWeight = 0
        #expect(try TrackerTrainer(configuration: c).distillation?.adapter == nil)
    }

    @Test func rejectsUnusableSettingsAndData() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try Self.fixture(dir)
        var c = Self.configuration(sequence, steps: 2)
        c.widths = [8, 15, 16, 16, 12]
        #expect(throws: TrainingError.self) { try TrackerTrainer(configuration: c) }
        c = Self.configuration(sequence, steps: 2)
        c.batchSize = 1
        #expect(throws: TrainingError.self) { try TrackerTrainer(configuration: c) }
        c = Self.configuration(sequence, steps: 2)
        c.teacher = dir + "/missing.safetensors"
        #expect(throws: TrackerError.self) { try TrackerTrainer(configuration: c) }
        c = Self.configuration(dir + "/nothing", steps: 2)
        #expect(throws: (any Error).self) { try TrackerTrainer(configuration: c) }
    }
}
