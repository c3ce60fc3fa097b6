/// An error from setting up, running or resuming a training run; one line, naming the file.
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
