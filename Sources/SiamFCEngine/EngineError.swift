/// An error from the engine: a shape that does not fit an operation, or a model file that is
/// malformed. The description is one line, and names the file when there is one.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the error is about, if any.
    public let path: String?
    public let message: String

    public init(_ message: String, path: String? = nil) {
        self.path = path
        self.message = message
    }

    public var description: String {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return path.map { "\($0): \(flat)" } ?? flat
    }
}
