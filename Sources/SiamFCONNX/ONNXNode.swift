/// One operator of the graph.
public struct ONNXNode: Sendable {
    /// The node's name; may be empty.
    public let name: String
    public let opType: String
    /// The operator set domain; empty for the default ONNX domain.
    public let domain: String
    /// Value names; an empty name is an optional input left out.
    public let inputs: [String]
    public let outputs: [String]
    public let attributes: [String: ONNXAttribute]

    public init(name: String, opType: String, domain: String, inputs: [String], outputs: [String],
                attributes: [String: ONNXAttribute]) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// How messages refer to the node: `Conv 'name'`, or `Conv #index` when it has no name.
    func label(index: Int) -> String {
        name.isEmpty ? "\(opType) node #\(index)" : "\(opType) node '\(name)'"
    }
}
