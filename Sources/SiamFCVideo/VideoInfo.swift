/// What a video file's header says about its video stream (`siamfc inspect` prints it).
public struct VideoInfo: Sendable, Equatable, Codable {
    /// The container format, e.g. `QuickTime / MOV`.
    public let container: String
    /// The codec, e.g. `H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10`.
    public let codec: String
    /// The stored pixel format, e.g. `yuv420p`.
    public let pixelFormat: String
    /// Size of the frames as decoded and tracked: after ``rotation``.
    public let width: Int
    public let height: Int
    /// Size as stored, before rotation.
    public let codedWidth: Int
    public let codedHeight: Int
    /// Clockwise rotation the file asks players to apply (phone videos): 0, 90, 180 or 270.
    /// Frames are delivered rotated, so boxes are in the orientation people see.
    public let rotation: Int
    /// Frames per second as the stream declares it (its average rate); nil when it says nothing.
    public let framesPerSecond: Double?
    /// Seconds, from the stream or the container; nil when unknown.
    public let duration: Double?
    /// The frame count the container declares, which only decoding confirms; nil when none.
    public let declaredFrameCount: Int?
}
