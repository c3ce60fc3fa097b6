/// An ONNX element type (`TensorProto.DataType`), with what the reader knows about it.
public struct ONNXDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let float = ONNXDataType(rawValue: 1)
    public static let uint8 = ONNXDataType(rawValue: 2)
    public static let int8 = ONNXDataType(rawValue: 3)
    public static let uint16 = ONNXDataType(rawValue: 4)
    public static let int16 = ONNXDataType(rawValue: 5)
    public static let int32 = ONNXDataType(rawValue: 6)
    public static let int64 = ONNXDataType(rawValue: 7)
    public static let string = ONNXDataType(rawValue: 8)
    public static let bool = ONNXDataType(rawValue: 9)
    public static let float16 = ONNXDataType(rawValue: 10)
    public static let double = ONNXDataType(rawValue: 11)
    public static let uint32 = ONNXDataType(rawValue: 12)
    public static let uint64 = ONNXDataType(rawValue: 13)
    public static let bfloat16 = ONNXDataType(rawValue: 16)

    private static let names: [Int32: String] = [
        0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64",
        8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64",
        15: "COMPLEX128", 16: "BFLOAT16", 17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2",
        20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1",
    ]

    /// ONNX's name (`FLOAT`, `INT64`, …), or `type N` for a number ONNX does not define.
    public var description: String { Self.names[rawValue] ?? "type \(rawValue)" }

    /// Bytes per element in `raw_data`, for the types the reader converts; nil for the others.
    public var byteSize: Int? {
        switch rawValue {
        case 2, 3, 9: 1
        case 4, 5, 10, 16: 2
        case 1, 6, 12: 4
        case 7, 11, 13: 8
        default: nil
        }
    }

    /// FLOAT, FLOAT16, BFLOAT16, DOUBLE: the types weights are stored in.
    public var isFloatingPoint: Bool { [1, 10, 11, 16].contains(rawValue) }

    /// The integer types, whose values ``ONNXTensor/integers`` keeps exactly.
    public var isInteger: Bool { [2, 3, 4, 5, 6, 7, 9, 12, 13].contains(rawValue) }
}
