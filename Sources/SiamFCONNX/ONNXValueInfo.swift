/// One dimension of a declared shape: a number, a symbol (`batch`, `N`) or nothing known.
public enum ONNXDimension: Hashable, Sendable, CustomStringConvertible {
    case value(Int)
    case symbol(String)
    case unknown

    public var description: String {
        switch self {
        case .value(let n): "\(n)"
        case .symbol(let name): name
        case .unknown: "?"
        }
    }
}

/// A graph input or output: its name, element type and shape as the file declares them.
public struct ONNXValueInfo: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Nil when the value is not a tensor or its type is not given.
    public let elementType: ONNXDataType?
    /// Nil when the rank is not given.
    public let shape: [ONNXDimension]?

    public init(name: String, elementType: ONNXDataType?, shape: [ONNXDimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// `name FLOAT [1, 3, 255, 255]`.
    public var description: String {
        let dims = shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "[unknown rank]"
        return "\(name) \(elementType?.description ?? "unknown type") \(dims)"
    }
}
