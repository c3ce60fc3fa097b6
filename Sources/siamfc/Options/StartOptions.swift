import ArgumentParser
import SiamFCVideo

/// Where in a video (or folder) a run starts.
struct StartOptions: ParsableArguments {
    @Option(help: "Video: start at the first frame at or after this time: seconds (12.5) or [hh:]mm:ss[.fff].")
    var start: String?

    @Option(help: "Start at this frame (1-based; a folder's file order, or a video's frames counted from its first).")
    var startFrame: Int?

    func validate() throws {
        if start != nil && startFrame != nil { throw ValidationError("give --start or --start-frame, not both") }
        if let start, Self.seconds(start) == nil {
            throw ValidationError("--start takes seconds (12.5) or [hh:]mm:ss[.fff] (got \"\(start)\")")
        }
        if let startFrame, startFrame < 1 || startFrame > 1_000_000_000 { throw ValidationError("--start-frame must be 1 to 1000000000") }
    }

    /// The reader's start; frame indices are 0-based.
    var position: VideoFrameReader.Start {
        if let start, let seconds = Self.seconds(start) { return .time(seconds) }
        return .frame((startFrame ?? 1) - 1)
    }

    /// Seconds from `12.5`, `1:02.5` or `1:00:02.5`; nil when it is none of these or negative.
    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            guard let value = Double(part), value.isFinite, value >= 0, last || value == value.rounded(),
                  i == 0 || value < 60 else { return nil }
            total = total * 60 + value
        }
        return total <= 1e9 ? total : nil
    }
}
