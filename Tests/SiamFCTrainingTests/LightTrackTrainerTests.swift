import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCTestSupport
@testable import SiamFCTraining
import SiamFCSynthetic
import SiamFCSupport

@Suite struct LightTrackTrainerTests {
    /// Two short synthetic sequences (so that negative pairs can be drawn).
    static func fixture(_ dir: String) throws -> String {
        for (name, seed) in [("a", UInt64(7)), ("b", UInt64(8))] {
            let demo = SyntheticSequence(configuration: .init(width: 200, height: 150, frameCount: 8, seed: seed))
            try SequenceWriter.write(to: dir + "/data/" + name, frameCount: 8) { demo.frame($0) }
        }
        return dir + "/data"
    }

    static func configuration(_ data: String, epochs: Int = 1) -> LightTrackTrainingConfiguration {
        var c = LightTrackTrainingConfiguration()
        c.trainingData = [data]
        c.batchSize = 2
        c.pairsPerEpoch = 4
        c.epochs = epochs
        c.warmupSteps = 1
        c.negativePairProbability = 0.5
        c.checkpointEvery = 1
        return c
    }

    @Test func learningRateWarmsUpThenFollowsACosine() {
        var c = LightTrackTrainingConfiguration()
        c.epochs = 1
        c.pairsPerEpoch = 160
        c.batchSize = 16
        c.warmupSteps = 2
        #expect(c.learningRate(step: 0) == c.learningRate / 2 && c.learningRate(step: 1) == c.learningRate)
        #expect(abs(c.learningRate(step: 9) - c.finalLearningRate) < 1e-9)
        #expect(c.learningRate(step: 5) < c.learningRate(step: 3))
    }

    /// Repeated steps on one batch drive its loss down through the whole network.
    @Test func repeatedStepsOnOneBatchLowerItsLoss() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let trainer = try LightTrackTrainer(configuration: Self.configuration(try Self.fixture(dir)))
        let batch = try trainer.makeBatch(step: 0)
        #expect(batch.templates.shape == [2, 3, 127, 127] && batch.searches.shape == [2, 3, 255, 255])
        let first = try trainer.step(on: batch).total
        var last = first
        for _ in 0..<12 { last = try trainer.step(on: batch).total }
        #expect(last < 0.7 * first, "loss \(first) → \(last)")
    }

    /// A run interrupted after its first epoch and resumed ends with the weights of a run that
    /// was never interrupted; the model file it writes tracks.
    @Test func resumedRunEqualsAnUninterruptedOne() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let data = try Self.fixture(dir)
        let whole = try LightTrackTrainer(configuration: Self.configuration(data, epochs: 2))
        #expect(try whole.train(directory: dir + "/whole") == .finished)

        let first = try LightTrackTrainer(configuration: Self.configuration(data, epochs: 2))
        var steps = 0
        #expect(try first.train(directory: dir + "/parts", shouldStop: { steps += 1; return steps > 2 }) == .interrupted)
        let checkpoint = try LightTrackCheckpoint.read(path: dir + "/parts/checkpoint.safetensors")
        #expect(checkpoint.state.step == 2)
        let resumed = try LightTrackTrainer(resuming: checkpoint, path: dir + "/parts/checkpoint.safetensors")
        #expect(try resumed.train(directory: dir + "/parts") == .finished)
        #expect(resumed.network.stateDict() == whole.network.stateDict())
        #expect(resumed.state.losses == whole.state.losses)

        let model = try NanoTrackModel(lightModel: dir + "/whole/model.safetensors")
        let frames = try FrameReader(folder: data + "/a")
        let box = try #require(try FrameSequence(path: data + "/a").groundTruth?.box(at: 0))
        var rows = 0
        try TrackingLoop.run(try model.makeTracker(), frames: frames, initialBox: box) { _, _ in rows += 1 }
        #expect(rows == 8)
    }

    /// With a weight average, the model file holds the average (not the live weights), and an
    /// interrupted run resumes it exactly.
    @Test func weightAverageIsTheModelAndResumes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let data = try Self.fixture(dir)
        var c = Self.configuration(data, epochs: 2)
        c.averageDecay = 0.9
        let whole = try LightTrackTrainer(configuration: c)
        #expect(try whole.train(directory: dir + "/whole") == .finished)
        let average = try #require(whole.average)
        #expect(average != whole.network.stateDict())
        #expect(try LightTrackNetwork(contentsOf: dir + "/whole/model.safetensors").stateDict() == average)

        let first = try LightTrackTrainer(configuration: c)
        var steps = 0
        #expect(try first.train(directory: dir + "/parts", shouldStop: { steps += 1; return steps > 3 }) == .interrupted)
        let path = dir + "/parts/checkpoint.safetensors"
        let resumed = try LightTrackTrainer(resuming: try LightTrackCheckpoint.read(path: path), path: path)
        #expect(try resumed.train(directory: dir + "/parts") == .finished)
        #expect(resumed.average == average)
        #expect(resumed.network.stateDict() == whole.network.stateDict())
    }

    /// A run given an earlier run's model starts from its weights (and batch-norm statistics),
    /// not from random ones; a file that is not a light model is refused with its name.
    @Test func initialModelReplacesTheRandomStart() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let data = try Self.fixture(dir)
        var generator = SplitMix64(seed: 99)
        let earlier = try LightTrackNetwork(using: &generator)
        try earlier.save(to: dir + "/earlier.safetensors")
        var c = Self.configuration(data)
        c.initialModel = dir + "/earlier.safetensors"
        let started = try LightTrackTrainer(configuration: c)
        #expect(started.network.stateDict() == earlier.stateDict())
        let random = try LightTrackTrainer(configuration: Self.configuration(data))
        #expect(random.network.stateDict() != earlier.stateDict())
        try writeFile(dir + "/other.safetensors", "not a model")
        c.initialModel = dir + "/other.safetensors"
        #expect { try LightTrackTrainer(configuration: c) } throws: { "\($0)".contains(dir + "/other.safetensors") }
    }

    /// A run given another network configuration trains that network and writes it into its
    /// model file; one of the wrong shape is refused before any data is read.
    @Test func networkConfigurationIsTheStudent() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let data = try Self.fixture(dir)
        var narrow = LightTrackConfiguration.standard
        narrow.blocks[6].out = 32
        narrow.towerWidth = 48
        var c = Self.configuration(data)
        c.network = narrow
        let trainer = try LightTrackTrainer(configuration: c)
        #expect(trainer.network.configuration == narrow)
        #expect(try trainer.train(directory: dir + "/run") == .finished)
        #expect(try LightTrackNetwork(contentsOf: dir + "/run/model.safetensors").configuration == narrow)
        narrow.blocks[0].stride = 1
        c.network = narrow
        #expect(throws: TrainingError.self) { try c.validate() }
    }

    /// With pseudo-targets on every pair, each positive pair's template shows another region than
    /// the annotated target, and its labels are the teacher's box on the search crop.
    @Test(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
    func pseudoTargetPairsAreLabelledByTheTeacher() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var c = Self.configuration(try Self.fixture(dir))
        c.negativePairProbability = 0
        c.teacherBackbone = try SharedData.path("models/nanotrackv2_backbone_sim.onnx")
        c.teacherHead = try SharedData.path("models/nanotrackv2_head_sim.onnx")
        let reference = try LightTrackTrainer(configuration: c)
        c.pseudoTargetProbability = 1
        let trainer = try LightTrackTrainer(configuration: c)
        for slot in 0..<4 {
            let made = try trainer.makePair(step: 3, slot: slot), annotated = try reference.makePair(step: 3, slot: slot)
            let teacher = try #require(made.teacher)
            let expected = AnchorFreeTargets(teacherClasses: teacher.classes.scalars, distances: teacher.distances.scalars,
                                             confidence: LightTrackPair.pseudoTargetConfidence)
            #expect(made.pair.targets.labels == expected.labels && made.pair.targets.classWeights == expected.classWeights)
            #expect(made.pair.targets.distances == expected.distances)
            #expect(made.pair.template != annotated.pair.template)
        }
    }

    /// An intermediate hint takes NanoTrack v2's stride-8 features to the student's last
    /// stride-8 block, adds its own term to the teacher's loss and is kept in checkpoints; values
    /// the graph lacks or whose side no block has are refused with the teacher's file name.
    @Test(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
    func intermediateHintFollowsTheTeachersHiddenLayer() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var c = Self.configuration(try Self.fixture(dir))
        c.teacherBackbone = try SharedData.path("models/nanotrackv2_backbone_sim.onnx")
        c.teacherHead = try SharedData.path("models/nanotrackv2_head_sim.onnx")
        let reference = try LightTrackTrainer(configuration: c)
        c.intermediateHint = "/features/features.3/Add_output_0"
        let trainer = try LightTrackTrainer(configuration: c)
        let hint = try #require(trainer.intermediateHint)
        #expect(hint.block == 2 && hint.adapter.weight.shape == [24, 24, 1, 1])
        #expect(trainer.network.stateDict() == reference.network.stateDict())

        let made = try #require(try trainer.makePair(step: 0, slot: 0).teacher)
        let plain = try #require(try reference.makePair(step: 0, slot: 0).teacher)
        #expect(made.intermediate?.shape == [1, 24, 32, 32] && plain.intermediate == nil)
        #expect(made.features.maxAbsDifference(plain.features) <= 1e-4 * (plain.features.scalars.map(abs).max() ?? 1))
        #expect(made.classes.maxAbsDifference(plain.classes) <= 1e-3)

        let withHint = try trainer.step(on: try trainer.makeBatch(step: 0))
        let without = try reference.step(on: try reference.makeBatch(step: 0))
        #expect(withHint.teacher > without.teacher + 1e-3, "\(withHint.teacher) against \(without.teacher)")
        #expect(abs(withHint.classes - without.classes) <= 1e-4)
        #expect(trainer.checkpoint().tensors["intermediateAdapter.weight"]?.shape == [24, 24, 1, 1])

        for value in ["/features/features.0/features.0.0/Conv_output_0", "missing"] {
            c.intermediateHint = value
            do {
                _ = try LightTrackTrainer(configuration: c)
                Issue.record("\(value) was accepted")
            } catch {
                #expect("\(error)".contains("nanotrackv2_backbone_sim.onnx") && "\(error)".contains(value))
            }
        }
    }

    @Test func settingsThatCannotTrainAreRefused() {
        var c = LightTrackTrainingConfiguration()
        #expect(throws: TrainingError.self) { try c.validate() }
        c.trainingData = ["x"]
        c.teacherBackbone = "b.onnx"
        #expect(throws: TrainingError.self) { try c.validate() }
        c.teacherHead = "h.onnx"
        c.negativePairProbability = 2
        #expect(throws: TrainingError.self) { try c.validate() }
        c.negativePairProbability = 0.1
        c.averageDecay = 1
        #expect(throws: TrainingError.self) { try c.validate() }
        c.averageDecay = nil
        c.distractorProbability = -0.5
        #expect(throws: TrainingError.self) { try c.validate() }
        c.distractorProbability = nil
        c.pseudoTargetProbability = 0.5
        #expect(throws: Never.self) { try c.validate() }
        c.pseudoTargetProbability = nil
        c.intermediateHint = "/features/features.3/Add_output_0"
        #expect(throws: Never.self) { try c.validate() }
        c.intermediateHintWeight = -1
        #expect(throws: TrainingError.self) { try c.validate() }
        c.intermediateHintWeight = nil
        c.teacherBackbone = nil
        c.teacherHead = nil
        #expect(throws: TrainingError.self) { try c.validate() }
        c.intermediateHint = nil
        c.pseudoTargetProbability = 0.5
        #expect(throws: TrainingError.self) { try c.validate() }
    }
}
