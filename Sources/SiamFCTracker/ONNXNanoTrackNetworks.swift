import SiamFCEngine
import SiamFCONNX

/// NanoTrack's pair of ONNX graphs as OpenCV's `TrackerNano` loads them (`backbone` and
/// `neckhead`), run by the engine's ``ONNXGraphRunner``.
public struct ONNXNanoTrackNetworks: NanoTrackNetworks {
    public let backbone: ONNXGraphRunner
    public let head: ONNXGraphRunner
    public let backbonePath: String
    public let headPath: String
    /// True for our light network's export built in memory (``init(exporting:source:)``).
    public private(set) var isLightModelExport = false

    let backboneInput: String
    let backboneOutput: String
    let templateInput: String
    let searchInput: String
    /// Filled in by ``NanoTrackModel`` once the outputs' shapes are known.
    var classOutput: String
    var boxOutput: String

    /// Loads both graphs and checks their input and output counts; errors name the file.
    public init(backbone backbonePath: String, head headPath: String) throws {
        try self.init(backbone: try ONNXModel(contentsOf: backbonePath), head: try ONNXModel(contentsOf: headPath),
                      backbonePath: backbonePath, headPath: headPath)
    }

    /// Our light network through its ONNX export, built in memory (``FoldedLightTrack/backboneGraph()``
    /// and ``FoldedLightTrack/headGraph()``): the planned runner runs it faster than the network's
    /// layer-by-layer path, and exactly as OpenCV's `TrackerNano` runs the exported files.
    public init(exporting network: FoldedLightTrack, source: String) throws {
        try self.init(backbone: try ONNXModel(bytes: try network.backboneGraph().serialized(), path: source),
                      head: try ONNXModel(bytes: try network.headGraph().serialized(), path: source),
                      backbonePath: source, headPath: source)
        isLightModelExport = true
    }

    /// Both graphs, already decoded; errors name the paths given.
    public init(backbone backboneModel: ONNXModel, head headModel: ONNXModel, backbonePath: String, headPath: String) throws {
        backbone = try ONNXGraphRunner(model: backboneModel)
        head = try ONNXGraphRunner(model: headModel)
        self.backbonePath = backbonePath
        self.headPath = headPath
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
        (classOutput, boxOutput) = (head.outputNames[0], head.outputNames[1])
    }

    public func features(_ crop: Tensor) throws -> Tensor {
        guard let features = try backbone.run(inputs: [backboneInput: crop])[backboneOutput] else {
            throw TrackerError("\(backbonePath): the backbone gave no output '\(backboneOutput)'")
        }
        return features
    }

    public func head(template: Tensor, search: Tensor) throws -> (classes: Tensor, distances: Tensor) {
        let outputs = try headOutputs(template: template, search: search)
        guard let classes = outputs[classOutput], let distances = outputs[boxOutput] else {
            throw TrackerError("\(headPath): the head gave no outputs '\(classOutput)' and '\(boxOutput)'")
        }
        return (classes, distances)
    }

    func headOutputs(template: Tensor, search: Tensor) throws -> [String: Tensor] {
        try head.run(inputs: [templateInput: template, searchInput: search])
    }

    public func backboneFLOPs(inputSide side: Int) throws -> Int {
        try backbone.flops(inputs: [backboneInput: Tensor(zeros: [1, 3, side, side])])
    }

    public func headFLOPs(template: Tensor, search: Tensor) throws -> Int {
        try head.flops(inputs: [templateInput: template, searchInput: search])
    }
}
