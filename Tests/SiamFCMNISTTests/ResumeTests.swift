import Testing
@testable import SiamFCMNIST
import SiamFCEngine
import SiamFCTestSupport
import SiamFCSupport

/// A run interrupted anywhere and resumed from its checkpoint ends bit for bit where an
/// uninterrupted run ends.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared/mnist (SIAMFC_SHARED)"))
struct ResumeTests {
    static func configuration(_ optimizer: TrainingConfiguration.Optimizer) -> TrainingConfiguration {
        var c = TrainingTests.configuration(.siamese, .contrastive)
        c.epochs = 2
        c.pairsPerEpoch = 12 * 32
        c.optimizer = optimizer
        c.learningRate = optimizer == .sgd ? 0.01 : 1e-3
        return c
    }

    @Test(arguments: [TrainingConfiguration.Optimizer.adam, .sgd])
    func resumedRunMatchesUninterruptedRun(optimizer: TrainingConfiguration.Optimizer) throws {
        let dataset = try SharedMNIST.dataset.get()
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let c = Self.configuration(optimizer)

        let whole = try MNISTTrainer(configuration: c, dataset: dataset)
        #expect(try whole.train(checkpointPath: dir + "/whole.safetensors") == .finished)

        // Stop mid-way through the second epoch, then resume from the checkpoint twice over.
        var path = dir + "/part.safetensors"
        let first = try MNISTTrainer(configuration: c, dataset: dataset)
        var steps = 0
        #expect(try first.train(checkpointPath: path, shouldStop: { steps += 1; return steps > 17 }) == .interrupted)
        #expect(first.state.epoch == 1 && first.state.step == 5)
        var saved = try MNISTCheckpoint.read(path: path)
        #expect(saved.state == first.checkpoint().state)
        let second = try MNISTTrainer(resuming: saved, path: path, dataset: dataset)
        steps = 0
        #expect(try second.train(checkpointPath: path, shouldStop: { steps += 1; return steps > 3 }) == .interrupted)
        saved = try MNISTCheckpoint.read(path: path)
        path = dir + "/part.safetensors"
        let third = try MNISTTrainer(resuming: saved, path: path, dataset: dataset)
        #expect(try third.train(checkpointPath: path) == .finished)

        #expect(third.state.losses == whole.state.losses)
        let a = whole.model.stateDict(), b = third.model.stateDict()
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, tensor) in a { #expect(b[name] == tensor, "\(name) differs") }
        #expect(try MNISTCheckpoint.read(path: path).state.finished)
    }

    @Test func checkpointsCarryTheirConfigurationAndASidecar() throws {
        let dataset = try SharedMNIST.dataset.get()
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var c = Self.configuration(.adam)
        c.epochs = 1
        c.pairsPerEpoch = 2 * 32
        let trainer = try MNISTTrainer(configuration: c, dataset: dataset)
        _ = try trainer.train(checkpointPath: dir + "/model.safetensors")
        let checkpoint = try MNISTCheckpoint.read(path: dir + "/model.safetensors")
        #expect(checkpoint.configuration == c)
        #expect(checkpoint.state.losses.count == 2)
        #expect(FileSystem.isFile(dir + "/model.json"))
        // The metadata keys of the checkpoints written so far, which must keep loading.
        let metadata = try SafetensorsFile.read(path: dir + "/model.safetensors").metadata
        #expect(Set(metadata.keys) == ["siamfc.mnist.configuration", "siamfc.mnist.state"])
        // A safetensors file without training metadata is refused with a clear error.
        try SafetensorsFile(tensors: ["x": Tensor(1)]).write(to: dir + "/plain.safetensors")
        let error = #expect(throws: TrainingCheckpointError.self) { try MNISTCheckpoint.read(path: dir + "/plain.safetensors") }
        #expect(error?.description.contains("not an MNIST checkpoint") == true)
    }

    /// A checkpoint is a file: optimizer state that does not fit the model is an error naming
    /// the tensor, not a crash.
    @Test func misshapenOptimizerStateIsRefused() throws {
        let dataset = try SharedMNIST.dataset.get()
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var c = Self.configuration(.adam)
        c.epochs = 1
        c.pairsPerEpoch = 32
        _ = try MNISTTrainer(configuration: c, dataset: dataset).train(checkpointPath: dir + "/model.safetensors")
        var checkpoint = try MNISTCheckpoint.read(path: dir + "/model.safetensors")
        #expect(checkpoint.tensors["optimizer.m.0"] != nil)
        checkpoint.tensors["optimizer.m.0"] = Tensor(repeating: 0, shape: [3])
        let error = #expect(throws: MNISTError.self) {
            _ = try MNISTTrainer(resuming: checkpoint, path: dir + "/model.safetensors", dataset: dataset)
        }
        #expect(error?.description.contains("optimizer.m.0 has shape [3]") == true)
    }
}
