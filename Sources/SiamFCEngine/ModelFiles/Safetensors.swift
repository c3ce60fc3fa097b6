import SiamFCSupport

/// A safetensors file: named tensors plus string metadata.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON mapping each tensor
/// name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the byte buffer that
/// follows) and an optional `"__metadata__"` object of strings, then the byte buffer.
///
/// Reading accepts F32, F16, BF16, F64 and the integer dtypes (I8…I64, U8…U64), all converted to
/// Float32; the header is validated completely before any tensor is allocated, so a malformed or
/// hostile file becomes an ``EngineError`` that names the file and the tensor, never a crash, and
/// memory stays proportional to the file size. Writing always stores F32.
public struct SafetensorsFile: Sendable {
    /// Every tensor of the file, converted to Float32.
    public var tensors: [String: Tensor]
    /// The `__metadata__` strings; empty when the file has none.
    public var metadata: [String: String]

    /// Headers longer than this are rejected before they are read.
    public static let maxHeaderLength = 100_000_000

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the file at `path`.
    public static func read(path: String) throws -> SafetensorsFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch let error as FileError {
            throw EngineError(error.message, path: path)
        }
        return try decode(bytes, path: path)
    }

    /// Decodes the bytes of a safetensors file; `path` only labels errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SafetensorsFile {
        try bytes.withUnsafeBufferPointer { try decode(buffer: $0, path: path) }
    }

    /// The file's bytes: every tensor as F32, names sorted, data packed in that order, the JSON
    /// header padded with spaces to a multiple of 8 bytes, `__metadata__` only when non-empty.
    public func encoded() throws -> [UInt8] {
        let entries = tensors.sorted { $0.key < $1.key }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { key, value in
                HeaderJSON.quoted(key) + ":" + HeaderJSON.quoted(value)
            }
            fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var dataLength = 0
        for (name, tensor) in entries {
            guard name != "__metadata__" else {
                throw EngineError("safetensors: a tensor cannot be named \"__metadata__\"")
            }
            let (length, overflow) = tensor.count.multipliedReportingOverflow(by: 4)
            guard !overflow, dataLength <= Int.max - length else {
                throw EngineError("safetensors: tensor \"\(name)\" is too large to write")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(HeaderJSON.quoted(name) + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(dataLength),\(dataLength + length)]}")
            dataLength += length
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var out = [UInt8](repeating: 0, count: 8 + headerBytes.count + dataLength)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            for (i, byte) in headerBytes.enumerated() { raw[8 + i] = byte }
            var offset = 8 + headerBytes.count
            for (_, tensor) in entries {
                tensor.withUnsafeBufferPointer { values in
                    for value in values {
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                        offset += 4
                    }
                }
            }
        }
        return out
    }

    /// Writes the file atomically (a temporary file renamed over `path`).
    public func write(to path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try encoded()
        } catch let error as EngineError {
            throw EngineError(error.message, path: path)
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as FileError {
            throw EngineError(error.message, path: path)
        }
    }
}

// MARK: - Decoding

extension SafetensorsFile {
    /// Element types of the format; `size` is in bytes.
    enum DType: String, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"

        var size: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8: return 1
            }
        }
    }

    /// One validated header entry.
    struct Entry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let count: Int
        let begin: Int
        let end: Int
    }

    static func decode(buffer bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> SafetensorsFile {
        func fail(_ message: String) -> EngineError { EngineError(message, path: path) }

        guard bytes.count >= 8, let base = bytes.baseAddress else {
            throw fail("file is \(bytes.count) bytes, too short for a safetensors header")
        }
        let declared = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(maxHeaderLength) else {
            throw fail("safetensors header length \(declared) is over the limit of \(maxHeaderLength) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw fail("safetensors header length \(headerLength) is larger than the file (\(bytes.count) bytes)")
        }
        let header = UnsafeBufferPointer(start: base + 8, count: headerLength)
        guard HeaderJSON.isValidUTF8(header) else { throw fail("safetensors header is not valid UTF-8") }
        let root: HeaderJSON
        do {
            root = try HeaderJSON.parse(header)
        } catch {
            throw fail("safetensors header is not valid JSON: \(error.message)")
        }
        guard case .object(let members) = root else {
            throw fail("safetensors header is \(root.kindName), not a JSON object")
        }

        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        entries.reserveCapacity(members.count)
        for member in members {
            let (name, value) = (member.key, member.value)
            if name == "__metadata__" {
                metadata = try parseMetadata(value, fail: fail)
            } else {
                entries.append(try parseEntry(name: name, value: value, dataLength: dataLength, fail: fail))
            }
        }
        try checkLayout(entries, dataLength: dataLength, fail: fail)

        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(entries.count)
        let data = UnsafeRawPointer(base + dataStart)
        for entry in entries {
            tensors[entry.name] = Tensor(uninitialized: entry.shape, pointer: { destination in
                convert(entry.dtype, from: data + entry.begin, count: entry.count, into: destination)
            })
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func parseMetadata(
        _ value: HeaderJSON, fail: (String) -> EngineError
    ) throws -> [String: String] {
        guard case .object(let pairs) = value else {
            throw fail("safetensors \"__metadata__\" is \(value.kindName), not an object of strings")
        }
        var metadata: [String: String] = [:]
        for pair in pairs {
            let (key, item) = (pair.key, pair.value)
            guard case .string(let text) = item else {
                throw fail("safetensors \"__metadata__\" entry \"\(key)\" is \(item.kindName), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(
        name: String, value: HeaderJSON, dataLength: Int, fail: (String) -> EngineError
    ) throws -> Entry {
        let label = "tensor \"\(name)\""
        guard case .object(let fields) = value else {
            throw fail("\(label): header entry is \(value.kindName), not an object")
        }
        func field(_ key: String) throws -> HeaderJSON {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw fail("\(label): header entry has no \"\(key)\"")
            }
            return found.value
        }

        guard case .string(let dtypeName) = try field("dtype") else {
            throw fail("\(label): \"dtype\" is not a string")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail("\(label): unsupported dtype \(dtypeName)")
        }

        guard case .array(let dims) = try field("shape") else {
            throw fail("\(label): \"shape\" is not an array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        var count = 1
        for dim in dims {
            guard case .integer(let d) = dim else {
                throw fail("\(label): shape element is \(dim.kindName), not an integer")
            }
            guard d >= 0 else { throw fail("\(label): negative dimension \(d) in the shape") }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("\(label): element count of the shape overflows") }
            count = product
            shape.append(d)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow else { throw fail("\(label): byte size of the shape overflows") }

        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1],
              begin >= 0, end >= 0
        else { throw fail("\(label): \"data_offsets\" is not two non-negative integers") }
        guard begin <= end else {
            throw fail("\(label): data_offsets begin \(begin) is after end \(end)")
        }
        guard end <= dataLength else {
            throw fail("\(label): data_offsets end \(end) is beyond the data buffer (\(dataLength) bytes)")
        }
        guard end - begin == byteCount else {
            throw fail("\(label): data_offsets span \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(byteCount)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
    }

    /// The byte ranges must tile the data buffer exactly: no overlaps, no holes, no trailing bytes.
    private static func checkLayout(_ entries: [Entry], dataLength: Int, fail: (String) -> EngineError) throws {
        let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: String?
        for entry in sorted {
            if entry.begin < covered, let previous {
                throw fail("tensor \"\(entry.name)\": bytes \(entry.begin)..<\(entry.end) overlap tensor \"\(previous)\"")
            }
            if entry.begin > covered {
                throw fail("tensor \"\(entry.name)\": data buffer bytes \(covered)..<\(entry.begin) before it belong to no tensor")
            }
            if entry.end > entry.begin {
                covered = entry.end
                previous = entry.name
            }
        }
        if covered != dataLength {
            throw fail("\(dataLength - covered) bytes at the end of the data buffer belong to no tensor")
        }
    }

    /// Converts `count` little-endian values of `dtype` at `source` to Float32.
    static func convert(_ dtype: DType, from source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        @inline(__always) func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
            T(littleEndian: source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
        }
        switch dtype {
        case .f32: for i in 0..<count { out[i] = Float(bitPattern: load(i, UInt32.self)) }
        case .f64: for i in 0..<count { out[i] = Float(Double(bitPattern: load(i, UInt64.self))) }
        case .f16: for i in 0..<count { out[i] = floatFromHalf(load(i, UInt16.self)) }
        case .bf16: for i in 0..<count { out[i] = Float(bitPattern: UInt32(load(i, UInt16.self)) << 16) }
        case .i64: for i in 0..<count { out[i] = Float(load(i, Int64.self)) }
        case .i32: for i in 0..<count { out[i] = Float(load(i, Int32.self)) }
        case .i16: for i in 0..<count { out[i] = Float(load(i, Int16.self)) }
        case .i8: for i in 0..<count { out[i] = Float(load(i, Int8.self)) }
        case .u64: for i in 0..<count { out[i] = Float(load(i, UInt64.self)) }
        case .u32: for i in 0..<count { out[i] = Float(load(i, UInt32.self)) }
        case .u16: for i in 0..<count { out[i] = Float(load(i, UInt16.self)) }
        case .u8: for i in 0..<count { out[i] = Float(load(i, UInt8.self)) }
        }
    }

    /// IEEE 754 binary16 bits to Float32, exactly: zeros, subnormals, infinities and NaN
    /// (payload kept) included. Done by hand because `Float16` is missing on some platforms.
    @inline(__always)
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exact in Float32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
