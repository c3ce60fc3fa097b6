#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads through POSIX calls, so that errors keep their errno (permission denied,
/// not found, is a directory) and turn into precise one-line messages.
public enum FileBytes {
    /// The whole file; errors name the path and keep the errno meaning (not found, permission
    /// denied, is a directory). Files over `limit` bytes are rejected before reading.
    public static func read(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw error(path, errno: errno, reading: true) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error(path, errno: errno, reading: true) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileError(path: path, reason: .isADirectory, message: "is a directory, not a file")
        }
        let size = Int(info.st_size)
        if size > limit {
            throw FileError(path: path, reason: .tooLarge, message: "file is \(size) bytes, over the limit of \(limit)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc_read(fd, base + filled, size - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path, errno: errno, reading: true)
            }
            if n == 0 { break }  // the file shrank while we read it
            filled += n
        }
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }

    public static func error(_ path: String, errno code: Int32, reading: Bool) -> FileError {
        switch code {
        case ENOENT:
            return FileError(path: path, reason: .notFound, message: "no such file or directory")
        case EACCES, EPERM:
            return FileError(path: path, reason: .permissionDenied, message: "permission denied")
        case EISDIR:
            return FileError(path: path, reason: .isADirectory, message: "is a directory, not a file")
        case ENOTDIR:
            return FileError(path: path, reason: .notADirectory, message: "a component of the path is not a directory")
        default:
            let text = String(cString: strerror(code))
            return FileError(
                path: path, reason: reading ? .readFailed : .writeFailed,
                message: "\(reading ? "cannot read" : "cannot write"): \(text)")
        }
    }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
