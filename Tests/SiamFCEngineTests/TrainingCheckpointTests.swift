import Foundation
import Testing
import SiamFCEngine
import SiamFCSupport
import SiamFCTestSupport

@Suite struct TrainingCheckpointTests {
    struct RunConfiguration: TrainingRunConfiguration, Equatable {
        static let checkpointKind = TrainingCheckpointKind(metadataPrefix: "siamfc.test", name: "a test checkpoint")
        var epochs = 3
        var learningRate: Float = 0.1
        var data = ["a", "b"]
    }

    struct OtherConfiguration: TrainingRunConfiguration, Equatable {
        static let checkpointKind = TrainingCheckpointKind(metadataPrefix: "siamfc.other", name: "another checkpoint")
        var epochs = 1
    }

    struct RunState: Codable, Sendable, Equatable {
        var step = 7
        var losses: [Float] = [0.5, 0.25, .ulpOfOne]
        var finished = false
    }

    typealias Checkpoint = TrainingCheckpoint<RunConfiguration, RunState>

    static func sample() throws -> Checkpoint {
        var configuration = RunConfiguration()
        configuration.learningRate = 1e-3
        return Checkpoint(configuration: configuration, state: RunState(),
                          tensors: ["model.weight": try Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, .leastNormalMagnitude, 6]),
                                    "optimizer.velocity.0": Tensor(zeros: [4])])
    }

    @Test func roundTripsWithTheConfigurationInItsMetadataAndASidecar() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let path = dir + "/checkpoint.safetensors"
        let written = try Self.sample()
        try written.write(to: path)

        let read = try Checkpoint.read(path: path)
        #expect(read.configuration == written.configuration && read.state == written.state)
        #expect(read.tensors == written.tensors)
        let metadata = try SafetensorsFile.read(path: path).metadata
        #expect(Set(metadata.keys) == ["siamfc.test.configuration", "siamfc.test.state"])

        #expect(Checkpoint.sidecarPath(for: path) == dir + "/checkpoint.json")
        struct Sidecar: Decodable {
            let configuration: RunConfiguration
            let state: RunState
        }
        let sidecar = try JSONDecoder().decode(Sidecar.self, from: Data(try FileBytes.read(dir + "/checkpoint.json")))
        #expect(sidecar.configuration == written.configuration && sidecar.state == written.state)
        // Atomic writes leave no temporary files behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["checkpoint.json", "checkpoint.safetensors"])
    }

    @Test func refusesAnotherKindOfCheckpointOnOneLineNamingTheFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let other = dir + "/other.safetensors"
        try TrainingCheckpoint<OtherConfiguration, RunState>(configuration: OtherConfiguration(), state: RunState(), tensors: [:])
            .write(to: other)
        let plain = dir + "/plain.safetensors"
        try SafetensorsFile(tensors: ["x": Tensor(1)]).write(to: plain)
        for path in [other, plain] {
            let error = #expect(throws: TrainingCheckpointError.self) { try Checkpoint.read(path: path) }
            #expect(error == TrainingCheckpointError(path: path, reason: .wrongKind(expected: "a test checkpoint")))
            #expect(error?.description == "\(path): not a test checkpoint (no training configuration in its metadata)")
        }
    }

    @Test func unreadableMetadataNamesTheFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let path = dir + "/broken.safetensors"
        try SafetensorsFile(tensors: [:], metadata: ["siamfc.test.configuration": "{\"epochs\": \"three\"}",
                                                     "siamfc.test.state": "{}"]).write(to: path)
        let error = #expect(throws: TrainingCheckpointError.self) { try Checkpoint.read(path: path) }
        #expect(error?.reason == .unreadableMetadata)
        #expect(error?.description == "\(path): unreadable training configuration in its metadata")
    }

    @Test func missingCorruptAndUnwritableFilesAreOneLineErrorsNamingTheFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let missing = dir + "/missing.safetensors"
        let corrupt = dir + "/corrupt.safetensors"
        try writeFile(corrupt, "not a safetensors file at all")
        for path in [missing, corrupt] {
            let error = #expect(throws: TrainingCheckpointError.self) { try Checkpoint.read(path: path) }
            #expect(error?.path == path && error?.description.hasPrefix(path + ": ") == true)
            #expect(error?.description.contains("\n") == false)
        }
        let unwritable = dir + "/no/such/folder/checkpoint.safetensors"
        let error = #expect(throws: TrainingCheckpointError.self) { try Self.sample().write(to: unwritable) }
        #expect(error?.path == unwritable && error?.description.hasPrefix(unwritable + ": ") == true)
    }
}
