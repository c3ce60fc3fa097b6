/// A failure the CLI reports in one line, after it has printed whatever report it had.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
