import Foundation
import SiamFCEngine

/// A training checkpoint: model weights and optimizer state in a safetensors file whose
/// metadata holds the configuration and state as JSON (so the two can never disagree), plus the
/// same JSON in a sidecar `.json` file for people and tools.
public struct Checkpoint {
    public var configuration: TrainingConfiguration
    public var state: TrainingState
    public var tensors: [String: Tensor]

    static let configurationKey = "siamfc.mnist.configuration"
    static let stateKey = "siamfc.mnist.state"

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        let progress = String(decoding: try encoder.encode(state), as: UTF8.self)
        let file = SafetensorsFile(tensors: tensors, metadata: [Self.configurationKey: config, Self.stateKey: progress])
        try file.write(to: path)
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        struct Sidecar: Encodable {
            let configuration: TrainingConfiguration
            let state: TrainingState
        }
        let sidecar = try encoder.encode(Sidecar(configuration: configuration, state: state))
        try AtomicWrite.writeAtomically(Array(sidecar), to: Self.sidecarPath(for: path))
    }

    public static func read(path: String) throws -> Checkpoint {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw MNISTError(path: path, message: error.message)
        }
        guard let config = file.metadata[configurationKey], let progress = file.metadata[stateKey] else {
            throw MNISTError(path: path, message: "not an MNIST checkpoint (no training configuration in its metadata)")
        }
        do {
            let decoder = JSONDecoder()
            return Checkpoint(
                configuration: try decoder.decode(TrainingConfiguration.self, from: Data(config.utf8)),
                state: try decoder.decode(TrainingState.self, from: Data(progress.utf8)),
                tensors: file.tensors)
        } catch {
            throw MNISTError(path: path, message: "unreadable training configuration in its metadata")
        }
    }

    /// `model.safetensors` → `model.json`.
    public static func sidecarPath(for path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".json"
    }
}
