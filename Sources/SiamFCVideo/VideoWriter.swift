import CVideoShim
import SiamFCImageIO
import SiamFCSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes RGB frames to a video file with FFmpeg, atomically like every other output: frames go
/// to a hidden temporary file beside the target, which ``finish()`` renames into place, so an
/// interrupted or failed run never leaves a partial video under the final name. The container
/// comes from the file name (`.mp4`, `.mkv`, `.mov`, `.avi`, …).
public final class VideoWriter {
    public let path: String
    public let width: Int
    public let height: Int
    /// The encoder FFmpeg used, e.g. `libx264`.
    public let encoder: String
    /// The muxer, e.g. `mp4`.
    public let container: String
    private let temporary: String
    private var handle: OpaquePointer?
    public private(set) var framesWritten = 0

    /// `framesPerSecond` is stored as a ratio (29.97 as 30000/1001). `rotation` (0, 90, 180,
    /// 270, clockwise) is stored as display metadata; frames are stored as given.
    public init(path: String, width: Int, height: Int, framesPerSecond: Double = 30, codec: VideoCodec = .automatic,
                quality: Int = 80, rotation: Int = 0) throws {
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw ImageIOError(path: path, reason: .writeFailed, message: "cannot write \(width)x\(height) frames")
        }
        guard framesPerSecond.isFinite, framesPerSecond > 0, framesPerSecond <= 1000 else {
            throw ImageIOError(path: path, reason: .writeFailed, message: "frame rate \(framesPerSecond) is not in 0...1000")
        }
        self.path = path
        self.width = width
        self.height = height
        temporary = AtomicFile.temporaryPath(for: path)
        let (num, den) = Self.ratio(framesPerSecond)
        var info = sfc_video_writer_info()
        handle = sfc_video_writer_open(temporary, path, codec.shim, Int32(width), Int32(height), num, den,
                                       Int32(clamping: quality), Int32(clamping: rotation), &info)
        encoder = VideoDecoder.string(&info.encoder)
        container = VideoDecoder.string(&info.container)
        if handle == nil {
            unlink(temporary)
            throw ImageIOError(path: path, reason: .writeFailed, message: VideoDecoder.string(&info.message))
        }
    }

    deinit {
        if let handle {
            sfc_video_writer_close(handle)
            unlink(temporary)
        }
    }

    /// Encodes one frame; it must have the writer's size.
    public func add(_ image: RGBImage) throws {
        guard let handle else { throw ImageIOError(path: path, reason: .writeFailed, message: "the video is already finished") }
        guard image.width == width, image.height == height else {
            throw ImageIOError(path: path, reason: .writeFailed,
                               message: "a \(image.width)x\(image.height) frame for a \(width)x\(height) video")
        }
        var message = [CChar](repeating: 0, count: Int(SFC_VIDEO_MESSAGE_CAPACITY))
        let status = image.pixels.withUnsafeBufferPointer { sfc_video_writer_add_rgb(handle, $0.baseAddress, &message) }
        if status != 0 { throw ImageIOError(path: path, reason: .writeFailed, message: Self.text(message)) }
        framesWritten += 1
    }

    /// Flushes the encoder, writes the container's trailer and renames the file into place
    /// (or to `destination`, e.g. a name that marks a partial run).
    public func finish(as destination: String? = nil) throws {
        guard let handle else { return }
        self.handle = nil
        var message = [CChar](repeating: 0, count: Int(SFC_VIDEO_MESSAGE_CAPACITY))
        let status = sfc_video_writer_finish(handle, &message)
        sfc_video_writer_close(handle)
        let target = destination ?? path
        guard status == 0 else {
            unlink(temporary)
            throw ImageIOError(path: target, reason: .writeFailed, message: Self.text(message))
        }
        if rename(temporary, target) != 0 {
            let code = errno
            unlink(temporary)
            throw ImageIOError(path: target, reason: .writeFailed, message: String(cString: strerror(code)))
        }
    }

    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A frame rate as a ratio: NTSC rates (n·1000/1001) exactly, others to the thousandth.
    static func ratio(_ fps: Double) -> (Int32, Int32) {
        let ntsc = fps * 1.001
        if abs(ntsc - ntsc.rounded()) < 1e-3, ntsc.rounded() != fps.rounded() || abs(fps - fps.rounded()) > 1e-6 {
            return (Int32(ntsc.rounded()) * 1000, 1001)
        }
        var num = Int((fps * 1000).rounded()), den = 1000
        var a = num, b = den
        while b != 0 { (a, b) = (b, a % b) }
        num /= a
        den /= a
        return (Int32(num), Int32(den))
    }
}
