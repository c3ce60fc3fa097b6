import SiamFCEngine
import SiamFCONNX

/// A NanoTrack-interface model: a backbone shared by template and search crops and a
/// neck-and-head that correlates them — either the pair of ONNX files OpenCV's `TrackerNano`
/// loads (`backbone` and `neckhead`) or our own light network from its safetensors file.
///
/// Interface (checked at load by running both networks once): the backbone takes `1x3xSxS` RGB
/// 0–255 and gives `1xCx8x8` for a 127 template and `1xCx16x16` for a 255 search crop; the head
/// takes (template features, search features) and gives class logits `1x2x16x16` (background,
/// target) and distances `1x4x16x16` (left, top, right, bottom in search-crop pixels). Several
/// trackers on several threads may share one model.
///
/// ```swift
/// let model = try NanoTrackModel(backbone: "nanotrackv2_backbone_sim.onnx", head: "nanotrackv2_head_sim.onnx")
/// let light = try NanoTrackModel(lightModel: "light.safetensors")   // corrected size penalty
/// let tracker = try model.makeTracker()
/// ```
public struct NanoTrackModel: TrackerModel {
    public let networks: any NanoTrackNetworks
    /// The backbone file (the model file for our light network).
    public let source: String
    /// The head file (the model file for our light network).
    public let headSource: String
    public let configuration: NanoTrackConfiguration
    public let backboneFLOPsPerUpdate: Int
    /// Floating-point operations of the head in one update.
    public let headFLOPsPerUpdate: Int

    /// Loads and checks an ONNX pair. Errors name the file and what does not fit the interface.
    public init(backbone backbonePath: String, head headPath: String,
                configuration: NanoTrackConfiguration = .opencv) throws {
        try configuration.validate()
        var networks = try ONNXNanoTrackNetworks(backbone: backbonePath, head: headPath)
        let (template, search) = try Self.checkBackbone(networks, path: backbonePath)
        // The outputs are told apart by their shapes.
        let outputs = try networks.headOutputs(template: template, search: search)
        let score = NanoTrackConfiguration.scoreSize
        let shapes = networks.head.outputNames.map { outputs[$0]?.shape ?? [] }
        guard let cls = shapes.firstIndex(of: [1, 2, score, score]), let box = shapes.firstIndex(of: [1, 4, score, score]) else {
            throw TrackerError("\(headPath): the head must give 1x2x\(score)x\(score) class logits and 1x4x\(score)x\(score) distances, it gives \(shapes.map { "\($0)" }.joined(separator: " and "))")
        }
        networks.classOutput = networks.head.outputNames[cls]
        networks.boxOutput = networks.head.outputNames[box]
        try self.init(checked: networks, template: template, search: search, source: backbonePath, headSource: headPath,
                      configuration: configuration)
    }

    /// Our light network from its model file (see ``LightTrackNetwork``), with the settings tuned
    /// for it (``NanoTrackConfiguration/lightTrack``).
    public init(lightModel path: String, configuration: NanoTrackConfiguration = .lightTrack) throws {
        try self.init(lightNetwork: try LightTrackNetwork(contentsOf: path), source: path, configuration: configuration)
    }

    /// Our light network, run as its ONNX export by the planned runner (see
    /// ``ONNXNanoTrackNetworks/init(exporting:source:)``); errors name `source`.
    public init(lightNetwork network: LightTrackNetwork, source: String, configuration: NanoTrackConfiguration = .lightTrack) throws {
        try self.init(networks: try ONNXNanoTrackNetworks(exporting: try network.folded(), source: source), source: source,
                      configuration: configuration)
    }

    /// Any pair of networks, checked against the interface; errors name `source` (and
    /// `headSource`, the same file unless given).
    public init(networks: any NanoTrackNetworks, source: String, headSource: String? = nil,
                configuration: NanoTrackConfiguration) throws {
        try configuration.validate()
        let (template, search) = try Self.checkBackbone(networks, path: source)
        let headPath = headSource ?? source
        let (classes, distances) = try networks.head(template: template, search: search)
        let score = NanoTrackConfiguration.scoreSize
        guard classes.shape == [1, 2, score, score], distances.shape == [1, 4, score, score] else {
            throw TrackerError("\(headPath): the head must give 1x2x\(score)x\(score) class logits and 1x4x\(score)x\(score) distances, it gives \(classes.shape) and \(distances.shape)")
        }
        try self.init(checked: networks, template: template, search: search, source: source, headSource: headPath,
                      configuration: configuration)
    }

    private init(checked networks: any NanoTrackNetworks, template: Tensor, search: Tensor, source: String, headSource: String,
                 configuration: NanoTrackConfiguration) throws {
        self.networks = networks
        self.source = source
        self.headSource = headSource
        self.configuration = configuration
        backboneFLOPsPerUpdate = try networks.backboneFLOPs(inputSide: NanoTrackConfiguration.searchSize)
        headFLOPsPerUpdate = try networks.headFLOPs(template: template, search: search)
    }

    private init(copying model: NanoTrackModel, configuration: NanoTrackConfiguration) {
        networks = model.networks
        source = model.source
        headSource = model.headSource
        self.configuration = configuration
        backboneFLOPsPerUpdate = model.backboneFLOPsPerUpdate
        headFLOPsPerUpdate = model.headFLOPsPerUpdate
    }

    /// The same networks with other tracking settings.
    public func with(configuration: NanoTrackConfiguration) throws -> NanoTrackModel {
        try configuration.validate()
        return NanoTrackModel(copying: self, configuration: configuration)
    }

    /// Template and search features of zero crops, checked for their 8x8 and 16x16 sides.
    private static func checkBackbone(_ networks: any NanoTrackNetworks, path: String) throws -> (Tensor, Tensor) {
        func features(side: Int, expected: Int) throws -> Tensor {
            let features = try networks.features(Tensor(zeros: [1, 3, side, side]))
            guard features.rank == 4, features.shape[0] == 1, features.shape[2] == expected, features.shape[3] == expected else {
                throw TrackerError("\(path): a NanoTrack backbone must turn a \(side)x\(side) crop into 1xCx\(expected)x\(expected) features, this one gives \(features.shape)")
            }
            return features
        }
        return (try features(side: NanoTrackConfiguration.templateSize, expected: 8),
                try features(side: NanoTrackConfiguration.searchSize, expected: NanoTrackConfiguration.scoreSize))
    }

    /// Backbone features of a `[1, 3, S, S]` crop.
    public func features(_ crop: Tensor) throws -> Tensor { try networks.features(crop) }

    /// The head's class logits `[1, 2, 16, 16]` and distances `[1, 4, 16, 16]`.
    public func head(template: Tensor, search: Tensor) throws -> (classes: Tensor, distances: Tensor) {
        try networks.head(template: template, search: search)
    }

    public var stages: [TrackerStage] { Self.stages }

    static let stages = [
        TrackerStage(key: "crop", label: "crop+resize"),
        TrackerStage(key: "backbone", label: "backbone"),
        TrackerStage(key: "head", label: "head"),
        TrackerStage(key: "post", label: "post-processing"),
    ]

    public var settings: String {
        let light = networks is FoldedLightTrack || (networks as? ONNXNanoTrackNetworks)?.isLightModelExport == true
        return (light ? "NanoTrack interface, light model, " : "NanoTrack, ") + configuration.summary
    }

    public func makeTracker() throws -> any Tracker { try NanoTracker(model: self) }
}
