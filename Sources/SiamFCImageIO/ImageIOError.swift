import CImageShim
import SiamFCSupport

/// An error from reading or writing images, frame folders or ground truth.
///
/// Its description is one line that names the path and the problem, e.g.
/// `frames/0003.jpg: truncated JPEG (premature end of file)`; the CLI prints exactly that.
public struct ImageIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case notFound
        case permissionDenied
        case notADirectory
        case isADirectory
        case emptyDirectory
        case noImages
        case emptyFile
        case unknownFormat
        case corrupt
        case truncated
        case tooLarge
        /// A ground-truth line (1-based) that does not parse.
        case malformedLine(Int)
        case groundTruthLongerThanSequence
        case noGroundTruth
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

    public var description: String {
        // One line, whatever a library or a file put in the message.
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(path): \(flat)"
    }
}

extension ImageIOError {
    /// The same failure in this layer's terms, so that callers of the I/O layer catch one type.
    public init(_ error: FileError) {
        let reason: Reason
        switch error.reason {
        case .notFound: reason = .notFound
        case .permissionDenied: reason = .permissionDenied
        case .notADirectory: reason = .notADirectory
        case .isADirectory: reason = .isADirectory
        case .tooLarge: reason = .tooLarge
        case .readFailed: reason = .readFailed
        case .writeFailed: reason = .writeFailed
        }
        self.init(path: error.path, reason: reason, message: error.message)
    }

    /// Runs `body`, reporting a ``FileError`` as an ``ImageIOError``.
    public static func translatingFileErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileError {
            throw ImageIOError(error)
        }
    }
}

extension ImageIOError {
    /// A decoder failure as the C shim classified it. The shim's message is kept as it is for a
    /// truncated or oversized image and follows "corrupt JPEG: " (or PNG) otherwise; an
    /// unsupported layout or memory running out mid-decode count as corrupt data too.
    init(decoding path: String, format: String, kind: sfc_error_kind, message: String) {
        switch kind {
        case SFC_ERROR_TRUNCATED:
            self.init(path: path, reason: .truncated, message: message)
        case SFC_ERROR_TOO_LARGE:
            self.init(path: path, reason: .tooLarge, message: message)
        case SFC_ERROR_CORRUPT, SFC_ERROR_UNSUPPORTED, SFC_ERROR_OUT_OF_MEMORY:
            self.init(path: path, reason: .corrupt, message: "corrupt \(format): \(message)")
        default:
            // SFC_ERROR_NONE: the shim failed without saying why, a shim bug; the file still
            // gets an error rather than a crash.
            self.init(path: path, reason: .corrupt, message: "corrupt \(format): \(message)")
        }
    }
}
