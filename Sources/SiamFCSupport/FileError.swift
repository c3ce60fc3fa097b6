/// A failure to read, write or list a file, with its path and the errno meaning.
///
/// Its description is one line, `path: problem`, as every error of the project prints.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case notFound
        case permissionDenied
        case notADirectory
        case isADirectory
        case tooLarge
        case readFailed
        case writeFailed
    }

    public let path: String
    public let reason: Reason
    /// The problem, without the path.
    public let message: String

    public init(path: String, reason: Reason, message: String) {
        self.path = path
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
