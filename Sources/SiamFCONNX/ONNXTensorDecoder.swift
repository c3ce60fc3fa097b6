import Foundation
import SiamFCEngine

/// Turns `TensorProto`s into ``ONNXTensor``s, checking each against the limits and its own
/// declaration (dims, type, data length) before allocating, and counting what all of them cost.
struct ONNXTensorDecoder {
    let limits: ONNXLimits
    private(set) var tensorCount = 0
    private(set) var elementCount = 0

    init(limits: ONNXLimits) { self.limits = limits }

    /// The problem is returned as a message without the path; `what` names the tensor in it.
    mutating func decode(_ proto: Onnx_TensorProto, what: String) throws(ONNXFormatError) -> ONNXTensor {
        tensorCount += 1
        guard tensorCount <= limits.maxTensors else {
            throw ONNXFormatError("more than \(limits.maxTensors) tensors")
        }
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            let location = proto.externalData.first { $0.key == "location" }?.value
            throw ONNXFormatError("\(what) keeps its data in an external file\(location.map { " (\($0))" } ?? ""); "
                + "external data is not supported: save the model with its weights inside")
        }
        let type = ONNXDataType(rawValue: proto.dataType)
        guard proto.dims.count <= limits.maxTensorRank else {
            throw ONNXFormatError("\(what) has \(proto.dims.count) dimensions, over the limit of \(limits.maxTensorRank)")
        }
        var dims: [Int] = []
        var count = 1
        for d in proto.dims {
            guard d >= 0, d <= Int64(limits.maxElements) else {
                throw ONNXFormatError("\(what) has an invalid dimension \(d) in \(proto.dims)")
            }
            dims.append(Int(d))
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= limits.maxElements else {
                throw ONNXFormatError("\(what) has shape \(proto.dims), over the limit of \(limits.maxElements) elements")
            }
            count = product
        }
        guard elementCount + count <= limits.maxElements else {
            throw ONNXFormatError("the tensors hold more than \(limits.maxElements) elements in all")
        }
        elementCount += count
        guard let size = type.byteSize else {
            throw ONNXFormatError("\(what) has element type \(type), which is not supported")
        }

        let typed = [
            ("float_data", proto.floatData.count), ("int32_data", proto.int32Data.count),
            ("int64_data", proto.int64Data.count), ("double_data", proto.doubleData.count),
            ("uint64_data", proto.uint64Data.count), ("string_data", proto.stringData.count),
        ].filter { $0.1 > 0 }
        let field = Self.typedField(type)
        // Some writers set an empty raw_data next to typed values: the typed values count then.
        let raw = proto.hasRawData && (!proto.rawData.isEmpty || typed.isEmpty)
        if raw {
            if let other = typed.first {
                throw ONNXFormatError("\(what) has both raw_data and \(other.0)")
            }
            guard proto.rawData.count == count * size else {
                throw ONNXFormatError("\(what) (\(type) \(dims)) needs \(count * size) bytes of raw_data, "
                    + "the file has \(proto.rawData.count)")
            }
        } else {
            if let other = typed.first(where: { $0.0 != field }) {
                throw ONNXFormatError("\(what) is \(type) but stores its values in \(other.0)")
            }
            let stored = typed.first?.1 ?? 0
            guard stored == count else {
                throw ONNXFormatError("\(what) (\(type) \(dims)) needs \(count) values, \(field) has \(stored)")
            }
        }
        let (values, integers) = Self.convert(proto, raw: raw, type: type, count: count, dims: dims)
        return ONNXTensor(name: proto.name, dataType: type, dims: dims, values: values, integers: integers)
    }

    /// The typed field ONNX stores each type's values in when there is no raw_data.
    static func typedField(_ type: ONNXDataType) -> String {
        switch type {
        case .float: "float_data"
        case .int64: "int64_data"
        case .double: "double_data"
        case .uint32, .uint64: "uint64_data"
        default: "int32_data"  // the small integers, BOOL, and the bits of FLOAT16 and BFLOAT16
        }
    }

    /// Counts and lengths are checked by the caller.
    static func convert(_ proto: Onnx_TensorProto, raw: Bool, type: ONNXDataType, count: Int, dims: [Int]) -> (Tensor, [Int64]?) {
        var integers: [Int64]? = nil
        if type.isInteger {
            integers = raw ? rawIntegers(proto.rawData, type: type, count: count)
                : type == .int64 ? proto.int64Data
                : type == .uint32 || type == .uint64 ? proto.uint64Data.map { Int64(bitPattern: $0) }
                : proto.int32Data.map { Int64($0) }
            if type == .uint64, let values = integers {
                // Above Int64.max a UINT64 is kept as its Float32 approximation only.
                integers = values.contains { $0 < 0 } ? nil : values
            }
        }
        let values = Tensor(uninitializedShape: dims) { out in
            if let integers {
                for i in 0..<count { out[i] = Float(integers[i]) }
            } else if type == .uint64 {
                let source = raw ? rawIntegers(proto.rawData, type: type, count: count).map { UInt64(bitPattern: $0) }
                    : proto.uint64Data
                for i in 0..<count { out[i] = Float(source[i]) }
            } else if raw {
                proto.rawData.withUnsafeBytes { bytes in
                    for i in 0..<count {
                        switch type {
                        case .float: out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                        case .double: out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                        case .float16: out[i] = HalfFloat.float(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                        default: out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                        }
                    }
                }
            } else {
                switch type {
                case .float: for i in 0..<count { out[i] = proto.floatData[i] }
                case .double: for i in 0..<count { out[i] = Float(proto.doubleData[i]) }
                case .float16: for i in 0..<count { out[i] = HalfFloat.float(UInt16(truncatingIfNeeded: proto.int32Data[i])) }
                default: for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: proto.int32Data[i])) << 16) }
                }
            }
        }
        return (values, integers)
    }

    static func rawIntegers(_ data: Data, type: ONNXDataType, count: Int) -> [Int64] {
        data.withUnsafeBytes { raw in
            (0..<count).map { i -> Int64 in
                switch type {
                case .uint8, .bool: Int64(raw[i])
                case .int8: Int64(Int8(bitPattern: raw[i]))
                case .uint16: Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                case .int16: Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                case .int32: Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                case .uint32: Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                default: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                }
            }
        }
    }
}

/// A problem found while decoding, before the path is attached.
struct ONNXFormatError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
