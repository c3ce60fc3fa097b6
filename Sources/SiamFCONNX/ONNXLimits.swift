/// Caps on what a model file may ask for, checked before anything of that size is allocated, so
/// a hostile or corrupt file costs bounded memory and time.
public struct ONNXLimits: Sendable, Equatable {
    /// Larger files are refused before they are read. Decoded messages take a small multiple of it.
    public var maxFileBytes = 512 << 20
    public var maxNodes = 1_000_000
    /// Initializers plus tensors held in node attributes (Constant values).
    public var maxTensors = 100_000
    public var maxTensorRank = 16
    /// Elements of one tensor, and of all tensors together: 2^28 Float32 values are 1 GiB.
    public var maxElements = 1 << 28

    public init() {}

    public static let standard = ONNXLimits()
}
