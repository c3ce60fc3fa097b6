/// A node attribute's value, decoded by its declared type.
public enum ONNXAttribute: Sendable {
    case int(Int64)
    case float(Float)
    case string(String)
    case tensor(ONNXTensor)
    case ints([Int64])
    case floats([Float])
    case strings([String])
    case tensors([ONNXTensor])
    /// A subgraph (`If`, `Loop`, `Scan` bodies): kept by name and size only in this version.
    case graph(name: String, nodeCount: Int)
    case graphs(count: Int)
    /// Sparse tensors, type protos, or a reference to a function attribute (`ref_attr_name`).
    case unsupported(String)

    /// The value as an integer, for `int` attributes.
    public var int: Int64? { if case .int(let v) = self { v } else { nil } }
    /// The value as integers, for `ints` attributes.
    public var ints: [Int64]? { if case .ints(let v) = self { v } else { nil } }
    public var float: Float? { if case .float(let v) = self { v } else { nil } }
    public var string: String? { if case .string(let v) = self { v } else { nil } }
}
