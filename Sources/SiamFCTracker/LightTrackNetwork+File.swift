import Foundation
import SiamFCEngine
import SiamFCSupport

extension LightTrackNetwork {
    /// The metadata key whose value ``modelKind`` marks a light model file.
    public static let modelKey = "siamfc.model"
    public static let modelKind = "light-track"
    /// The metadata key holding the ``LightTrackConfiguration`` as JSON.
    public static let configurationKey = "siamfc.light.configuration"

    /// Whether a safetensors file's metadata marks it as a light model (SiamFC weights carry no
    /// such key).
    public static func isLightModel(_ file: SafetensorsFile) -> Bool {
        file.metadata[modelKey] == modelKind
    }

    /// The network in a light model file: the configuration from its metadata, every parameter
    /// and batch-norm statistic by name. Errors are one line naming the file.
    public convenience init(contentsOf path: String) throws {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        try self.init(file: file, source: path)
    }

    /// The network a decoded model file holds (see ``init(contentsOf:)``).
    public convenience init(file: SafetensorsFile, source: String) throws {
        guard Self.isLightModel(file) else {
            throw TrackerError("\(source): not a light model file (no \"\(Self.modelKey)\": \"\(Self.modelKind)\" in its metadata)")
        }
        guard let json = file.metadata[Self.configurationKey] else {
            throw TrackerError("\(source): the light model's configuration (metadata \"\(Self.configurationKey)\") is missing")
        }
        let configuration = try LightTrackConfiguration(json: Data(json.utf8), source: source)
        var generator = SplitMix64(seed: 0)
        try self.init(configuration: configuration, using: &generator)
        do {
            try load(stateDict: file.tensors, source: source)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        setTraining(false)
    }

    /// The weights, batch-norm statistics and configuration as a safetensors file.
    public func modelFile(metadata extra: [String: String] = [:]) throws -> SafetensorsFile {
        let json = try configuration.json()
        var metadata = extra
        metadata[Self.modelKey] = Self.modelKind
        metadata[Self.configurationKey] = json
        return SafetensorsFile(tensors: stateDict(), metadata: metadata)
    }

    /// Writes ``modelFile(metadata:)`` atomically.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        do {
            try modelFile(metadata: metadata).write(to: path)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
    }
}
