/// A problem with what an evaluation reads or combines (a summary, a result file, a set of
/// shards). Its description is one line that names the file, as the CLI prints it.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder at fault; empty when the problem is between several of them.
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return path.isEmpty ? flat : "\(path): \(flat)"
    }
}
