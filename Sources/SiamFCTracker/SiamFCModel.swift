import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

/// A SiamFC network ready to track: the folded AlexNet backbone shared by exemplar and search
/// crops, the cross-correlation head, and the tracking settings its trackers use.
public struct SiamFCModel: TrackerModel {
    public let backbone: FoldedBackbone
    /// Where the weights came from, for messages.
    public let source: String
    /// The settings of the trackers ``makeTracker()`` makes (SiamFC-3s unless changed).
    public var configuration: TrackerConfiguration

    public init(backbone: FoldedBackbone, source: String, configuration: TrackerConfiguration = .threeScale) {
        self.backbone = backbone
        self.source = source
        self.configuration = configuration
    }

    /// The same weights with other tracking settings.
    public func with(configuration: TrackerConfiguration) -> SiamFCModel {
        SiamFCModel(backbone: backbone, source: source, configuration: configuration)
    }

    public func makeTracker() throws -> any Tracker {
        try SiamFCTracker(model: self)
    }

    public var stages: [TrackerStage] { Self.stages }

    static let stages = [
        TrackerStage(key: "crop", label: "crop+resize"), TrackerStage(key: "backbone", label: "backbone"),
        TrackerStage(key: "correlation", label: "cross-correlation"), TrackerStage(key: "upsampleAndPeak", label: "upsample+peak"),
    ]

    public var backboneFLOPsPerUpdate: Int {
        backbone.flops(batch: configuration.scaleCount, size: configuration.instanceSize)
    }

    public var settings: String { "SiamFC, \(configuration.scaleCount) scales" }

    /// Loads siamfc-pytorch style weights (`backbone.conv1.0.weight`, …; the `backbone.` prefix
    /// is optional) from a safetensors file. Widths come from the file. Errors name the file and
    /// the tensor: a missing tensor, a wrong shape, an unexpected extra one.
    public init(contentsOf path: String) throws {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        try self.init(state: file.tensors, source: path)
    }

    public init(state: [String: Tensor], source: String) throws {
        let prefix = state.keys.contains { $0.hasPrefix("backbone.") } ? "backbone." : ""
        let widths = try AlexNetBackbone.widths(in: state, prefix: prefix, source: source)
        var generator = SplitMix64(seed: 0)
        let network = AlexNetBackbone.make(widths: widths, using: &generator)
        do {
            try network.load(stateDict: state, prefix: prefix, source: source)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        network.setTraining(false)
        try self.init(backbone: FoldedBackbone(network), source: source)
    }
}
