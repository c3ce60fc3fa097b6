import SiamFCEngine

/// A tensor stored in the model (an initializer or a constant attribute), converted to Float32.
public struct ONNXTensor: Sendable {
    public let name: String
    /// The type the file stores the values in.
    public let dataType: ONNXDataType
    public let dims: [Int]
    /// The values as Float32 (integers above 2^24 lose precision here; see ``integers``).
    public let values: Tensor
    /// The exact values of integer tensors (shapes, axes, indices); nil for floating-point ones.
    public let integers: [Int64]?

    public init(name: String, dataType: ONNXDataType, dims: [Int], values: Tensor, integers: [Int64]?) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.values = values
        self.integers = integers
    }

    public var elementCount: Int { values.count }
}
