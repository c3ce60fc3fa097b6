import SiamFCEngine
import SiamFCONNX

/// ONNX export in NanoTrack's interface, so that OpenCV's `TrackerNano` and onnxruntime run our
/// light model: `backbone.onnx` (`input` 1x3xSxS → `output` 1xCx(S/16)x(S/16), the spatial sides
/// symbolic so that onnxruntime runs 127 templates and 255 search crops) and `head.onnx`
/// (`input1` template features 1xCx8x8, `input2` search features 1xCx16x16 → `output1` class
/// logits 1x2x16x16, `output2` distances 1x4x16x16), the names OpenCV feeds and reads.
///
/// Batch norm is already folded; each activation is its own node (`Relu`, `Clip` with constant
/// bounds, `HardSwish`, `HardSigmoid` followed by a `Reshape` that OpenCV needs, `Sigmoid`),
/// which our runner fuses again; the pixel-wise
/// correlation is written as NanoTrack's head writes it (`Reshape`, `Transpose`, `MatMul`,
/// `Reshape`), with constant shapes for batch 1.
extension FoldedLightTrack {
    public static let backboneFileName = "backbone.onnx"
    public static let headFileName = "head.onnx"

    /// The backbone graph.
    public func backboneGraph() -> ONNXWriter {
        var graph = GraphBuilder(name: "siamfc-light-backbone")
        // Any side: the same graph runs on 127 templates and 255 search crops (NanoTrack's own
        // files declare 255, which onnxruntime then enforces).
        graph.writer.addInput("input", dimensions: [.value(1), .value(3), .symbol("height"), .symbol("width")])
        var x = graph.convolution(stem, input: "input", name: "backbone.stem")
        for (i, block) in blocks.enumerated() {
            let name = "backbone.blocks.\(i)"
            let input = x
            // The last layer writes the graph output itself (no Identity node).
            let last = i == blocks.count - 1 ? "output" : nil
            if let expand = block.expand { x = graph.convolution(expand, input: x, name: name + ".expand") }
            x = graph.convolution(block.depthwise, input: x, name: name + ".depthwise")
            if let se = block.se { x = graph.squeezeExcitation(se, input: x, name: name + ".se") }
            x = graph.convolution(block.project, input: x, name: name + ".project", output: block.residual ? nil : last)
            if block.residual { x = graph.node("Add", [x, input], name: last ?? name + ".add") }
        }
        graph.writer.addOutput("output", dimensions: [.value(1), .value(configuration.featureChannels),
                                                      .symbol("feature_height"), .symbol("feature_width")])
        return graph.writer
    }

    /// The head graph.
    public func headGraph() -> ONNXWriter {
        var graph = GraphBuilder(name: "siamfc-light-head")
        let channels = configuration.featureChannels, score = NanoTrackConfiguration.scoreSize
        let maps = LightTrackHead.correlationChannels
        graph.writer.addInput("input1", shape: [1, channels, 8, 8])
        graph.writer.addInput("input2", shape: [1, channels, score, score])
        let template = graph.convolution(head.templateAdapter, input: "input1", name: "head.template_adapter")
        let search = graph.convolution(head.searchAdapter, input: "input2", name: "head.search_adapter")
        // Pixel-wise correlation: Kᵀ [1, 64, C] × S [1, C, 256] → [1, 64, 16, 16].
        let kernel = graph.node("Reshape", [template, graph.writer.addIntegers("head.corr.kernel_shape", [1, Int64(channels), Int64(maps)])],
                                name: "head.corr.kernel")
        let transposed = graph.node("Transpose", [kernel], name: "head.corr.transpose", attributes: ["perm": .ints([0, 2, 1])])
        let flat = graph.node("Reshape", [search, graph.writer.addIntegers("head.corr.search_shape", [1, Int64(channels), Int64(score * score)])],
                              name: "head.corr.search")
        let product = graph.node("MatMul", [transposed, flat], name: "head.corr.matmul")
        let correlation = graph.node("Reshape", [product, graph.writer.addIntegers("head.corr.shape", [1, Int64(maps), Int64(score), Int64(score)])],
                                     name: "head.corr")
        let attended = graph.squeezeExcitation(head.attention, input: correlation, name: "head.attention")
        var cls = attended, reg = attended
        for (i, layer) in head.clsTower.enumerated() { cls = graph.convolution(layer, input: cls, name: "head.cls_tower.\(i)") }
        for (i, layer) in head.regTower.enumerated() { reg = graph.convolution(layer, input: reg, name: "head.reg_tower.\(i)") }
        _ = graph.convolution(head.cls, input: cls, name: "head.cls", output: "output1")
        let logDistances = graph.convolution(head.reg, input: reg, name: "head.reg")
        graph.writer.addNode("Exp", inputs: [logDistances], outputs: ["output2"], name: "head.exp")
        graph.writer.addOutput("output1", shape: [1, 2, score, score])
        graph.writer.addOutput("output2", shape: [1, 4, score, score])
        return graph.writer
    }

    /// Writes `backbone.onnx` and `head.onnx` into `directory` (which must exist), each
    /// atomically; returns their paths.
    @discardableResult
    public func exportONNX(to directory: String) throws -> (backbone: String, head: String) {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let paths = (base + Self.backboneFileName, base + Self.headFileName)
        try backboneGraph().write(to: paths.0)
        try headGraph().write(to: paths.1)
        return paths
    }
}

/// Names values and writes the layer patterns both graphs share.
private struct GraphBuilder {
    var writer: ONNXWriter

    init(name: String) { writer = ONNXWriter(graphName: name) }

    /// A node with one output named after it.
    mutating func node(_ op: String, _ inputs: [String], name: String, attributes: [String: ONNXAttribute] = [:]) -> String {
        writer.addNode(op, inputs: inputs, outputs: [name], name: name, attributes: attributes)
        return name
    }

    /// `Conv` (weight and bias initializers `name.weight`, `name.bias`) and its activation node.
    mutating func convolution(_ conv: FoldedConvolution, input: String, name: String, output: String? = nil) -> String {
        let k = Int64(conv.kernel), p = Int64(conv.padding), s = Int64(conv.stride)
        let weight = writer.addInitializer(name + ".weight", conv.weight)
        let bias = writer.addInitializer(name + ".bias", conv.bias)
        let convOutput = conv.activation == .none ? (output ?? name) : name + ".conv"
        writer.addNode("Conv", inputs: [input, weight, bias], outputs: [convOutput], name: name + ".conv",
                       attributes: ["kernel_shape": .ints([k, k]), "strides": .ints([s, s]), "pads": .ints([p, p, p, p]),
                                    "group": .int(Int64(conv.groups)), "dilations": .ints([1, 1])])
        let result = output ?? name
        switch conv.activation {
        case .none: break
        case .relu: writer.addNode("Relu", inputs: [convOutput], outputs: [result], name: name + ".relu")
        case .relu6:
            let low = writer.addScalar(name + ".clip_min", 0), high = writer.addScalar(name + ".clip_max", 6)
            writer.addNode("Clip", inputs: [convOutput, low, high], outputs: [result], name: name + ".relu6")
        case .hardSwish: writer.addNode("HardSwish", inputs: [convOutput], outputs: [result], name: name + ".hardswish")
        }
        return result
    }

    /// `GlobalAveragePool`, two 1x1 `Conv`s with `Relu` between, the gate, `Mul`.
    mutating func squeezeExcitation(_ se: SqueezeExcitation.Folded, input: String, name: String) -> String {
        let pooled = node("GlobalAveragePool", [input], name: name + ".pool")
        let hidden = convolution(se.fc1, input: pooled, name: name + ".fc1")
        let logits = convolution(se.fc2, input: hidden, name: name + ".fc2")
        var gate: String
        if se.gate == .sigmoid {
            gate = node("Sigmoid", [logits], name: name + ".gate")
        } else {
            gate = node("HardSigmoid", [logits], name: name + ".gate",
                        attributes: ["alpha": .float(SqueezeExcitation.hardSigmoidAlpha), "beta": .float(SqueezeExcitation.hardSigmoidBeta)])
            // OpenCV 5 fuses HardSigmoid → Mul as if it were HardSwish and gives the gate's 1x1
            // shape; a Reshape between (as NanoTrack's own export has) keeps them apart.
            let shape = writer.addIntegers(name + ".gate_shape", [1, Int64(se.fc2.outChannels), 1, 1])
            gate = node("Reshape", [gate, shape], name: name + ".gate_reshape")
        }
        return node("Mul", [input, gate], name: name + ".scale")
    }
}
