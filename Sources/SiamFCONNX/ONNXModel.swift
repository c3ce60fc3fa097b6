import SiamFCEngine
import SiamFCSupport
import SwiftProtobuf

/// An ONNX model file, read and checked: its graph's inputs, outputs, nodes and weights.
///
/// Reading validates the whole file before returning: the protobuf encoding, every tensor's
/// shape, type and data length, and the graph (inputs produced before use, outputs defined once,
/// no cycles), within ``ONNXLimits``. A bad file gets an ``ONNXError`` naming it, never a crash.
/// Executing the graph is not part of this type.
public struct ONNXModel: Sendable {
    /// Where the model came from, for messages.
    public let path: String
    public let irVersion: Int64
    public let producerName: String
    public let producerVersion: String
    /// Operator sets by domain (`""` is the default ONNX domain) and version.
    public let opsetImports: [(domain: String, version: Int64)]
    public let graphName: String
    /// The graph's real inputs: those that are not initializers.
    public let inputs: [ONNXValueInfo]
    public private(set) var outputs: [ONNXValueInfo]
    /// In an execution order: every node after the nodes whose outputs it uses.
    public let nodes: [ONNXNode]
    /// The weights and constants, in file order.
    public let initializers: [ONNXTensor]

    /// Reads and checks the model at `path`.
    public init(contentsOf path: String, limits: ONNXLimits = .standard) throws(ONNXError) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxFileBytes)
        } catch {
            throw ONNXError(path: path, message: (error as? FileError)?.message ?? "\(error)")
        }
        try self.init(bytes: bytes, path: path, limits: limits)
    }

    /// Decodes and checks a model's bytes; `path` only labels errors.
    public init(bytes: [UInt8], path: String, limits: ONNXLimits = .standard) throws(ONNXError) {
        guard bytes.count <= limits.maxFileBytes else {
            throw ONNXError(path: path, message: "model is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes)")
        }
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: bytes, options: options)
        } catch {
            throw ONNXError(path: path, message: "not an ONNX model: \(Self.describe(error))")
        }
        do {
            try self.init(proto: proto, path: path, limits: limits)
        } catch {
            throw ONNXError(path: path, message: error.message)
        }
    }

    init(proto: Onnx_ModelProto, path: String, limits: ONNXLimits) throws(ONNXFormatError) {
        guard proto.hasGraph else { throw ONNXFormatError("not an ONNX model: no graph") }
        guard !proto.opsetImport.isEmpty || proto.irVersion < 3 else {
            throw ONNXFormatError("not an ONNX model: no operator set is imported")
        }
        let graph = proto.graph
        guard graph.sparseInitializer.isEmpty else {
            throw ONNXFormatError("sparse initializers are not supported ('\(graph.sparseInitializer[0].values.name)')")
        }
        guard graph.node.count <= limits.maxNodes else {
            throw ONNXFormatError("\(graph.node.count) nodes, over the limit of \(limits.maxNodes)")
        }
        var decoder = ONNXModelDecoder(limits: limits)
        let initializers = try graph.initializer.enumerated().map { (index, tensor) throws(ONNXFormatError) in
            try decoder.tensors.decode(tensor, what: tensor.name.isEmpty ? "initializer #\(index)" : "initializer '\(tensor.name)'")
        }
        if let unnamed = initializers.firstIndex(where: { $0.name.isEmpty }) {
            throw ONNXFormatError("initializer #\(unnamed) has no name")
        }
        let nodes = try graph.node.enumerated().map { (index, node) throws(ONNXFormatError) in try decoder.node(node, index: index) }
        let order = try ONNXGraphOrder.order(
            nodes: nodes, inputs: graph.input.map(\.name), initializers: initializers.map(\.name), outputs: graph.output.map(\.name))
        let initializerNames = Set(initializers.map(\.name))

        self.path = path
        irVersion = proto.irVersion
        producerName = proto.producerName
        producerVersion = proto.producerVersion
        opsetImports = proto.opsetImport.map { ($0.domain, $0.version) }
        graphName = graph.name
        inputs = graph.input.filter { !initializerNames.contains($0.name) }.map(ONNXModelDecoder.valueInfo)
        outputs = graph.output.map(ONNXModelDecoder.valueInfo)
        self.nodes = order.map { nodes[$0] }
        self.initializers = initializers
    }

    /// The same model with the values `names` (each one a node's output) as further graph
    /// outputs after the declared ones: a runner then returns these hidden values too, as
    /// distillation from a layer inside a teacher needs. A name no node produces is an error.
    public func exposing(_ names: [String]) throws(ONNXError) -> ONNXModel {
        let produced = Set(nodes.flatMap(\.outputs))
        var model = self
        for name in names where !model.outputs.contains(where: { $0.name == name }) {
            guard produced.contains(name) else {
                throw ONNXError(path: path, message: "no node gives a value named '\(name)'")
            }
            model.outputs.append(ONNXValueInfo(name: name, elementType: nil, shape: nil))
        }
        return model
    }

    /// The version of the default ONNX operator set, if imported.
    public var opsetVersion: Int64? {
        opsetImports.first { $0.domain == "" || $0.domain == "ai.onnx" }?.version
    }

    /// Elements of all initializers, the weights and the integer shape constants alike (the
    /// figure ONNX tools such as Netron and `onnx-tool` report as parameters).
    public var parameterCount: Int { initializers.reduce(0) { $0 + $1.elementCount } }

    /// Elements of the floating-point initializers only: the trainable weights.
    public var floatParameterCount: Int {
        initializers.filter(\.dataType.isFloatingPoint).reduce(0) { $0 + $1.elementCount }
    }

    /// The initializer named `name`.
    public func initializer(named name: String) -> ONNXTensor? {
        initializers.first { $0.name == name }
    }

    /// How many nodes run each operator, most used first (ties by name); custom domains are
    /// written `domain.Op`.
    public var operatorHistogram: [(op: String, count: Int)] {
        var counts: [String: Int] = [:]
        for node in nodes { counts[node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain).\(node.opType)", default: 0] += 1 }
        return counts.map { (op: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.op < $1.op }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? BinaryDecodingError {
        case .truncated?: "the protobuf data is truncated"
        case .malformedProtobuf?: "malformed protobuf data"
        case .invalidUTF8?: "a string is not valid UTF-8"
        case .messageDepthLimit?: "messages nest too deeply"
        default: "\(error)"
        }
    }
}
