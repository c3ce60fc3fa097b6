/// One decoded frame and where it came from.
public struct Frame: Sendable, Equatable {
    /// Position in the source, from 0.
    public let index: Int
    /// The frame's file (or another label that names it in messages and outputs).
    public let name: String
    public let image: RGBImage

    public init(index: Int, name: String, image: RGBImage) {
        self.index = index
        self.name = name
        self.image = image
    }
}

/// Frames in order, whatever holds them: a folder of images today, a video file next. The one
/// tracking loop reads every kind through this.
public protocol FrameSource: AnyObject {
    /// How many frames the source will give, when that is known before reading them.
    var frameCount: Int? { get }

    /// The next frame, or nil after the last one. A frame that cannot be decoded throws its
    /// error, which names it, when its turn comes.
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
