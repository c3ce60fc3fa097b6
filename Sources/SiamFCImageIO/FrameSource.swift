/// One decoded frame and where it came from.
public struct Frame: Sendable, Equatable {
    /// Position in the source, from 0 (in a video, counted from its first frame).
    public let index: Int
    /// The frame's file, or the video file that holds it.
    public let name: String
    public let image: RGBImage
    /// Presentation time in seconds from the start of the video; nil for image files.
    public let time: Double?
    /// A problem the decoder recovered from (corrupt data it skipped or concealed); nil when
    /// the frame decoded cleanly.
    public let warning: String?

    public init(index: Int, name: String, image: RGBImage, time: Double? = nil, warning: String? = nil) {
        self.index = index
        self.name = name
        self.image = image
        self.time = time
        self.warning = warning
    }

    /// How messages name the frame: the file, or the video with the frame's number and time.
    public var label: String { Frame.describe(name: name, index: index, time: time) }

    /// `name` for a file; `name frame N (T s)` for a video frame.
    public static func describe(name: String, index: Int, time: Double?) -> String {
        guard let time else { return name }
        return time.isFinite ? "\(name) frame \(index + 1) (\(formatSeconds(time)) s)" : "\(name) frame \(index + 1)"
    }
}

/// Seconds to the millisecond with three decimals (`%.3f`), as messages and outputs print them.
public func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e12 else { return String(seconds) }
    let millis = Int((seconds * 1000).rounded())
    let magnitude = abs(millis)
    let fraction = String(magnitude % 1000)
    return (millis < 0 ? "-" : "") + "\(magnitude / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

/// Thrown by a source for one frame that cannot be decoded (a truncated JPEG, a corrupt
/// packet); the source goes on with the next frame when asked. Any other error from a source
/// ends it.
public struct UnreadableFrame: Error, Sendable, CustomStringConvertible {
    public let index: Int
    public let name: String
    /// Presentation time in seconds (videos), when known.
    public let time: Double?
    /// The problem, without the frame's name.
    public let reason: String

    public init(index: Int, name: String, time: Double? = nil, reason: String) {
        self.index = index
        self.name = name
        self.time = time
        self.reason = reason
    }

    /// One line that names the frame and the problem.
    public var description: String { "\(Frame.describe(name: name, index: index, time: time)): \(reason)" }
}

/// Frames in order, whatever holds them: a folder of images (``FrameReader``), a video file
/// (`VideoFrameReader` in `SiamFCVideo`), or memory (``DecodedFrames``). The one tracking loop
/// reads every kind through this.
public protocol FrameSource: AnyObject {
    /// How many frames the source will give, when that is known before reading them.
    var frameCount: Int? { get }

    /// The next frame, or nil after the last one. A frame that cannot be decoded throws
    /// ``UnreadableFrame`` when its turn comes, and the following call goes on past it; any
    /// other error means the source cannot go on.
    func next() throws -> Frame?
}

/// Frames already in memory: for timing a tracker without decoding, and for tests.
public final class DecodedFrames: FrameSource {
    private let frames: [(name: String, image: RGBImage)]
    private var position = 0

    public init(_ frames: [(name: String, image: RGBImage)]) {
        self.frames = frames
    }

    public var frameCount: Int? { frames.count }

    public func next() throws -> Frame? {
        guard position < frames.count else { return nil }
        defer { position += 1 }
        return Frame(index: position, name: frames[position].name, image: frames[position].image)
    }
}
