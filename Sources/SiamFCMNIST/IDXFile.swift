import SiamFCSupport

/// The IDX format of the MNIST files: a magic number (two zero bytes, a type code, the number of
/// dimensions), the dimensions as big-endian 32-bit integers, then the data. MNIST uses unsigned
/// bytes: labels are 1-D (magic 0x00000801), images 3-D (0x00000803).
public struct IDXFile: Sendable {
    public let dimensions: [Int]
    public let data: [UInt8]

    /// Reads a raw or gzip-compressed IDX file of unsigned bytes with `rank` dimensions.
    static func read(path: String, rank: Int) throws -> IDXFile {
        let raw: [UInt8]
        do {
            raw = try FileBytes.read(path, limit: 256 << 20)
        } catch let error as FileError {
            throw MNISTError(path: path, message: error.message)
        }
        return try decode(raw, path: path, rank: rank)
    }

    /// Decodes the bytes of a raw or gzip-compressed IDX file (`path` is for messages). The
    /// decompressed size is bounded, and so is the element count its header may claim.
    public static func decode(_ raw: [UInt8], path: String, rank: Int) throws -> IDXFile {
        let bytes = Gunzip.isGzip(raw) ? try Gunzip.decompress(raw, path: path, limit: 512 << 20) : raw
        return try parse(bytes, path: path, rank: rank)
    }

    static func parse(_ bytes: [UInt8], path: String, rank: Int) throws -> IDXFile {
        guard bytes.count >= 4 else { throw MNISTError(path: path, message: "too short for an IDX header (\(bytes.count) bytes)") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw MNISTError(path: path, message: "not an IDX file (magic number \(hex(bytes.prefix(4))))")
        }
        guard bytes[2] == 0x08 else {
            throw MNISTError(path: path, message: "IDX element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        guard Int(bytes[3]) == rank else {
            throw MNISTError(path: path, message: "IDX file has \(bytes[3]) dimensions, expected \(rank)")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw MNISTError(path: path, message: "truncated IDX header") }
        var dimensions: [Int] = []
        var count = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let value = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dimensions.append(value)
            let (product, overflow) = count.multipliedReportingOverflow(by: value)
            guard !overflow, product <= 1 << 31 else { throw MNISTError(path: path, message: "IDX dimensions \(dimensions) are too large") }
            count = product
        }
        guard bytes.count - headerSize == count else {
            throw MNISTError(path: path, message: "IDX dimensions \(dimensions) need \(count) bytes of data, the file has \(bytes.count - headerSize)")
        }
        return IDXFile(dimensions: dimensions, data: Array(bytes[headerSize...]))
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        "0x" + bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }
}
