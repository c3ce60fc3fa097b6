/// An error from loading a tracking model or from tracking; one line, naming the file or frame.
public struct TrackerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
