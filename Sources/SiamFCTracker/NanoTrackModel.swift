import SiamFCEngine
import SiamFCONNX

/// A NanoTrack-family model: a backbone graph shared by template and search crops and a
/// neck-and-head graph that correlates them, the pair of ONNX files OpenCV's `TrackerNano` loads
/// (`backbone` and `neckhead`).
///
/// Interface (checked at load by running both graphs once): the backbone takes `1x3xSxS` RGB
/// 0–255 and gives `1xCx8x8` for a 127 template and `1xCx16x16` for a 255 search crop; the head
/// takes (template features, search features) and gives class logits `1x2x16x16` (background,
/// target) and distances `1x4x16x16` (left, top, right, bottom in search-crop pixels). Several
/// trackers on several threads may share one model.
///
/// ```swift
/// let model = try NanoTrackModel(backbone: "nanotrackv2_backbone_sim.onnx", head: "nanotrackv2_head_sim.onnx")
/// let tracker = try model.makeTracker()
/// ```
public struct NanoTrackModel: TrackerModel {
    public let backbone: ONNXGraphRunner
    public let head: ONNXGraphRunner
    /// The backbone file.
    public let source: String
    /// The head file.
    public let headSource: String
    public let configuration: NanoTrackConfiguration
    public let backboneFLOPsPerUpdate: Int
    /// Floating-point operations of the head in one update.
    public let headFLOPsPerUpdate: Int

    let backboneInput: String
    let backboneOutput: String
    let templateInput: String
    let searchInput: String
    let classOutput: String
    let boxOutput: String

    /// Loads and checks the pair. Errors name the file and what does not fit the interface.
    public init(backbone backbonePath: String, head headPath: String,
                configuration: NanoTrackConfiguration = .opencv) throws {
        try configuration.validate()
        backbone = try ONNXGraphRunner(model: try ONNXModel(contentsOf: backbonePath))
        head = try ONNXGraphRunner(model: try ONNXModel(contentsOf: headPath))
        source = backbonePath
        headSource = headPath
        self.configuration = configuration

        guard backbone.inputs.count == 1, backbone.outputNames.count == 1 else {
            throw TrackerError("\(backbonePath): a NanoTrack backbone has one input and one output, this graph has \(backbone.inputs.count) and \(backbone.outputNames.count)")
        }
        backboneInput = backbone.inputs[0].name
        backboneOutput = backbone.outputNames[0]
        guard head.inputs.count == 2, head.outputNames.count == 2 else {
            throw TrackerError("\(headPath): a NanoTrack head has two inputs (template and search features) and two outputs, this graph has \(head.inputs.count) and \(head.outputNames.count)")
        }
        // OpenCV feeds the template to "input1" and the search region to "input2"; other files
        // give the template first.
        let names = head.inputs.map(\.name)
        (templateInput, searchInput) = names.contains("input1") && names.contains("input2") ? ("input1", "input2") : (names[0], names[1])

        let score = NanoTrackConfiguration.scoreSize
        let template = try Self.features(backbone, input: backboneInput, output: backboneOutput, side: NanoTrackConfiguration.templateSize,
                                         expected: 8, path: backbonePath)
        let search = try Self.features(backbone, input: backboneInput, output: backboneOutput, side: NanoTrackConfiguration.searchSize,
                                       expected: score, path: backbonePath)
        let outputs = try head.run(inputs: [templateInput: template, searchInput: search])
        let shapes = head.outputNames.map { outputs[$0]?.shape ?? [] }
        guard let cls = shapes.firstIndex(of: [1, 2, score, score]), let box = shapes.firstIndex(of: [1, 4, score, score]) else {
            throw TrackerError("\(headPath): the head must give 1x2x\(score)x\(score) class logits and 1x4x\(score)x\(score) distances, it gives \(shapes.map { "\($0)" }.joined(separator: " and "))")
        }
        classOutput = head.outputNames[cls]
        boxOutput = head.outputNames[box]
        backboneFLOPsPerUpdate = try backbone.flops(inputs: [backboneInput: Tensor(zeros: [1, 3, NanoTrackConfiguration.searchSize, NanoTrackConfiguration.searchSize])])
        headFLOPsPerUpdate = try head.flops(inputs: [templateInput: template, searchInput: search])
    }

    private init(copying model: NanoTrackModel, configuration: NanoTrackConfiguration) {
        backbone = model.backbone
        head = model.head
        source = model.source
        headSource = model.headSource
        self.configuration = configuration
        backboneFLOPsPerUpdate = model.backboneFLOPsPerUpdate
        headFLOPsPerUpdate = model.headFLOPsPerUpdate
        backboneInput = model.backboneInput
        backboneOutput = model.backboneOutput
        templateInput = model.templateInput
        searchInput = model.searchInput
        classOutput = model.classOutput
        boxOutput = model.boxOutput
    }

    /// The same networks with other tracking settings.
    public func with(configuration: NanoTrackConfiguration) throws -> NanoTrackModel {
        try configuration.validate()
        return NanoTrackModel(copying: self, configuration: configuration)
    }

    private static func features(_ backbone: ONNXGraphRunner, input: String, output: String, side: Int, expected: Int,
                                 path: String) throws -> Tensor {
        let result = try backbone.run(inputs: [input: Tensor(zeros: [1, 3, side, side])])
        guard let features = result[output], features.rank == 4, features.shape[0] == 1,
              features.shape[2] == expected, features.shape[3] == expected else {
            let shape = result[output].map { "\($0.shape)" } ?? "nothing"
            throw TrackerError("\(path): a NanoTrack backbone must turn a \(side)x\(side) crop into 1xCx\(expected)x\(expected) features, this one gives \(shape)")
        }
        return features
    }

    /// Backbone features of a `[1, 3, S, S]` crop.
    public func features(_ crop: Tensor) throws -> Tensor {
        guard let features = try backbone.run(inputs: [backboneInput: crop])[backboneOutput] else {
            throw TrackerError("\(source): the backbone gave no output '\(backboneOutput)'")
        }
        return features
    }

    /// The head's class logits `[1, 2, 16, 16]` and distances `[1, 4, 16, 16]`.
    public func head(template: Tensor, search: Tensor) throws -> (classes: Tensor, distances: Tensor) {
        let outputs = try head.run(inputs: [templateInput: template, searchInput: search])
        guard let classes = outputs[classOutput], let distances = outputs[boxOutput] else {
            throw TrackerError("\(headSource): the head gave no outputs '\(classOutput)' and '\(boxOutput)'")
        }
        return (classes, distances)
    }

    public var stages: [TrackerStage] { Self.stages }

    static let stages = [
        TrackerStage(key: "crop", label: "crop+resize"),
        TrackerStage(key: "backbone", label: "backbone"),
        TrackerStage(key: "head", label: "head"),
        TrackerStage(key: "post", label: "post-processing"),
    ]

    public var settings: String { "NanoTrack, \(configuration.summary)" }

    public func makeTracker() throws -> any Tracker { try NanoTracker(model: self) }
}
