// FoundationEssentials has the JSON coders without the rest of Foundation, which the engine does
// not otherwise use.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SiamFCSupport

/// What kind of training run a checkpoint belongs to: its metadata keys, and its name in errors.
public struct TrainingCheckpointKind: Sendable, Equatable {
    /// Prefix of the metadata keys: `"siamfc.mnist"` stores `siamfc.mnist.configuration` and
    /// `siamfc.mnist.state`.
    public let metadataPrefix: String
    /// The checkpoint as errors name it, with its article: `"an MNIST checkpoint"`.
    public let name: String

    public init(metadataPrefix: String, name: String) {
        self.metadataPrefix = metadataPrefix
        self.name = name
    }

    public var configurationKey: String { metadataPrefix + ".configuration" }
    public var stateKey: String { metadataPrefix + ".state" }
}

/// The configuration of a kind of training run, which names the run's checkpoints.
public protocol TrainingRunConfiguration: Codable, Sendable {
    static var checkpointKind: TrainingCheckpointKind { get }
}

/// A training checkpoint: weights and optimizer state in a safetensors file whose metadata holds
/// the configuration and state as JSON (so that the two cannot disagree), plus the same JSON in
/// a `.json` sidecar for people and tools. Both files are written atomically.
public struct TrainingCheckpoint<Configuration: TrainingRunConfiguration, State: Codable & Sendable>: Sendable {
    public var configuration: Configuration
    public var state: State
    public var tensors: [String: Tensor]

    public init(configuration: Configuration, state: State, tensors: [String: Tensor]) {
        self.configuration = configuration
        self.state = state
        self.tensors = tensors
    }

    public static var kind: TrainingCheckpointKind { Configuration.checkpointKind }

    /// Writes `path` and its sidecar (``sidecarPath(for:)``).
    public func write(to path: String) throws {
        let kind = Self.kind
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata: [String: String]
        let sidecar: Data
        do {
            metadata = [
                kind.configurationKey: String(decoding: try encoder.encode(configuration), as: UTF8.self),
                kind.stateKey: String(decoding: try encoder.encode(state), as: UTF8.self),
            ]
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            sidecar = try encoder.encode(Sidecar(configuration: configuration, state: state))
        } catch {
            throw TrainingCheckpointError(path: path, reason: .unwritable("cannot encode the training configuration: \(error)"))
        }
        do {
            try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
        } catch let error as EngineError {
            throw TrainingCheckpointError(path: path, reason: .unwritable(error.message))
        }
        let sidecarPath = Self.sidecarPath(for: path)
        do {
            try AtomicFile.write(Array(sidecar), to: sidecarPath)
        } catch let error as FileError {
            throw TrainingCheckpointError(path: sidecarPath, reason: .unwritable(error.message))
        }
    }

    /// Reads a checkpoint of this kind; any other file, a checkpoint of another kind included,
    /// is refused with an error that names it.
    public static func read(path: String) throws -> Self {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrainingCheckpointError(path: path, reason: .unreadable(error.message))
        }
        guard let configuration = file.metadata[kind.configurationKey], let state = file.metadata[kind.stateKey] else {
            throw TrainingCheckpointError(path: path, reason: .wrongKind(expected: kind.name))
        }
        do {
            let decoder = JSONDecoder()
            return Self(configuration: try decoder.decode(Configuration.self, from: Data(configuration.utf8)),
                        state: try decoder.decode(State.self, from: Data(state.utf8)), tensors: file.tensors)
        } catch {
            throw TrainingCheckpointError(path: path, reason: .unreadableMetadata)
        }
    }

    /// `checkpoint.safetensors` → `checkpoint.json`.
    public static func sidecarPath(for path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".json"
    }

    private struct Sidecar: Encodable {
        let configuration: Configuration
        let state: State
    }
}

/// A checkpoint that cannot be read or written; the description is one line that names the file.
public struct TrainingCheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// Missing, unreadable, or not a valid safetensors file.
        case unreadable(String)
        /// A safetensors file without the training metadata of the expected kind (named with its
        /// article, `"an MNIST checkpoint"`).
        case wrongKind(expected: String)
        /// The metadata keys are there but their JSON does not decode.
        case unreadableMetadata
        case unwritable(String)
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let problem: String
        switch reason {
        case .unreadable(let message), .unwritable(let message): problem = message
        case .wrongKind(let expected): problem = "not \(expected) (no training configuration in its metadata)"
        case .unreadableMetadata: problem = "unreadable training configuration in its metadata"
        }
        return "\(path): " + problem.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
