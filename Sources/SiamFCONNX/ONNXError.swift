/// A model file that cannot be read or is not a valid ONNX model.
///
/// Its description is one line, `path: problem`, as every error of the project prints.
public struct ONNXError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the error is about.
    public let path: String
    /// The problem, without the path.
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(path): \(flat)"
    }
}
