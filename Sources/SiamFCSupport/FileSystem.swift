#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Directory listing and file tests through POSIX calls, with errors that keep their errno.
/// Paths stay strings as the user typed them.
public enum FileSystem {
    public enum Kind { case missing, file, directory, other }

    public static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }

    public static func exists(_ path: String) -> Bool { kind(path) != .missing }
    public static func isDirectory(_ path: String) -> Bool { kind(path) == .directory }
    public static func isFile(_ path: String) -> Bool { kind(path) == .file }

    /// Entry names of a directory, without `.` and `..`, in no particular order.
    public static func contents(of path: String) throws -> [String] {
        switch kind(path) {
        case .missing:
            var info = stat()
            let code = stat(path, &info) == 0 ? ENOENT : errno
            throw FileBytes.error(path, errno: code, reading: true)
        case .file, .other:
            throw FileError(path: path, reason: .notADirectory, message: "not a directory")
        case .directory:
            break
        }
        guard let dir = opendir(path) else { throw FileBytes.error(path, errno: errno, reading: true) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates a directory and its missing parents.
    public static func createDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = PathName.parent(path)
        if parent != path && !parent.isEmpty && parent != "." && parent != "/" && !exists(parent) {
            try createDirectories(parent)
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw FileBytes.error(path, errno: errno, reading: false)
        }
    }

    /// Removes a file or a directory tree; missing paths are fine.
    public static func removeTree(_ path: String) throws {
        switch kind(path) {
        case .missing:
            return
        case .directory:
            for name in try contents(of: path) { try removeTree(PathName.join(path, name)) }
            if rmdir(path) != 0 { throw FileBytes.error(path, errno: errno, reading: false) }
        case .file, .other:
            if unlink(path) != 0 { throw FileBytes.error(path, errno: errno, reading: false) }
        }
    }

    public static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        let status = Glibc.rename(from, to)
        #else
        let status = Darwin.rename(from, to)
        #endif
        if status != 0 { throw FileBytes.error(to, errno: errno, reading: false) }
    }
}
