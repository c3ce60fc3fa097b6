import Foundation
import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

/// A tracker training checkpoint: the network (`model.*`), the distillation adapter
/// (`adapter.*`) and the SGD momentum buffers (`optimizer.velocity.N`) in a safetensors file
/// whose metadata holds the configuration and progress as JSON, so that the two cannot disagree.
/// A sidecar `.json` file repeats the JSON for people and tools.
public struct TrackerCheckpoint: Sendable {
    public var configuration: TrackerTrainingConfiguration
    public var state: TrackerTrainingState
    public var tensors: [String: Tensor]

    static let configurationKey = "siamfc.train.configuration"
    static let stateKey = "siamfc.train.state"

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        let progress = String(decoding: try encoder.encode(state), as: UTF8.self)
        do {
            try SafetensorsFile(tensors: tensors, metadata: [Self.configurationKey: config, Self.stateKey: progress]).write(to: path)
        } catch let error as EngineError {
            throw TrainingError(error.description)
        }
        struct Sidecar: Encodable {
            let configuration: TrackerTrainingConfiguration
            let state: TrackerTrainingState
        }
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(Array(try encoder.encode(Sidecar(configuration: configuration, state: state))),
                             to: Self.sidecarPath(for: path))
    }

    public static func read(path: String) throws -> TrackerCheckpoint {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrainingError(error.description)
        }
        guard let config = file.metadata[configurationKey], let progress = file.metadata[stateKey] else {
            throw TrainingError("\(path): not a tracker training checkpoint (no training configuration in its metadata)")
        }
        do {
            let decoder = JSONDecoder()
            return TrackerCheckpoint(
                configuration: try decoder.decode(TrackerTrainingConfiguration.self, from: Data(config.utf8)),
                state: try decoder.decode(TrackerTrainingState.self, from: Data(progress.utf8)), tensors: file.tensors)
        } catch {
            throw TrainingError("\(path): unreadable training configuration in its metadata")
        }
    }

    /// `checkpoint.safetensors` → `checkpoint.json`.
    public static func sidecarPath(for path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".json"
    }
}
