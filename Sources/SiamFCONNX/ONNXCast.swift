import SiamFCEngine

/// The target of an ONNX `Cast`. The runner's values are Float32, so a cast to a floating-point
/// type keeps them and a cast to an integer type rounds toward zero (as onnxruntime does for
/// values in range); BOOL gives 0 or 1.
enum ONNXCast: Sendable, Equatable {
    case float, integer, bool

    /// The cast for ONNX element type `to`; nil for types the runner cannot represent.
    init?(to: Int64) {
        switch ONNXDataType(rawValue: Int32(truncatingIfNeeded: to)) {
        case .float, .double: self = .float
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: self = .integer
        case .bool: self = .bool
        default: return nil
        }
    }

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .float: x
        case .integer: x.map { $0.isFinite ? $0.rounded(.towardZero) : $0 }
        case .bool: x.map { $0 != 0 ? 1 : 0 }
        }
    }
}
