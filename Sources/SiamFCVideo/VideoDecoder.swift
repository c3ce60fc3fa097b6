import CVideoShim
import SiamFCImageIO
import SiamFCSupport

/// One video file's frames, decoded in order with FFmpeg (any container and codec it reads),
/// converted to 8-bit RGB with libswscale and turned for display as the file asks (phone
/// videos), so that boxes are in the orientation people see.
///
/// Not thread-safe: one thread at a time (``VideoFrameReader`` runs it on a thread of its own).
public final class VideoDecoder {
    /// The file, as named in every message.
    public let path: String
    public let info: VideoInfo
    private let handle: OpaquePointer
    /// Index of the next event (frame or unreadable frame).
    private var position = 0
    private var current: (width: Int, height: Int)?

    /// What ``next()`` found.
    public enum Event: Sendable, Equatable {
        /// A frame is decoded; ``image()`` converts it. `warning` tells what the decoder had to
        /// conceal, when it did.
        case frame(index: Int, time: Double?, warning: String?)
        /// A frame could not be decoded (a corrupt packet, a frame over the pixel limit);
        /// decoding goes on with the next one.
        case unreadable(index: Int, time: Double?, reason: String)
        /// No more frames.
        case end
    }

    /// Opens `path` and its best video stream. Fails with one line naming the file when it is
    /// not a video FFmpeg reads, has no video stream, or has frames over `maxPixels` (from the
    /// stream's header, before any frame is decoded). `threads` are libavcodec's decoding
    /// threads; 0 lets it choose.
    public init(path: String, maxPixels: Int = ImageDecoder().maxPixels, threads: Int = 0) throws {
        if FileSystem.isDirectory(path) {
            throw ImageIOError(path: path, reason: .isADirectory, message: "is a folder, not a video file")
        }
        var raw = sfc_video_info()
        guard let handle = sfc_video_open_file(path, UInt64(max(maxPixels, 0)), Int32(clamping: threads), &raw) else {
            throw Self.openError(path: path, raw)
        }
        self.path = path
        self.handle = handle
        self.info = Self.info(raw)
    }

    /// Opens a video held in memory (the fuzz target's way in); `label` names it in messages.
    public init(bytes: [UInt8], label: String, maxPixels: Int = ImageDecoder().maxPixels, threads: Int = 1) throws {
        var raw = sfc_video_info()
        let opened = bytes.withUnsafeBufferPointer { buffer in
            sfc_video_open_memory(buffer.baseAddress, buffer.count, UInt64(max(maxPixels, 0)), Int32(clamping: threads), &raw)
        }
        guard let handle = opened else { throw Self.openError(path: label, raw) }
        self.path = label
        self.handle = handle
        self.info = Self.info(raw)
    }

    deinit {
        sfc_video_close(handle)
    }

    /// Decodes the next frame. Throws only when decoding cannot go on at all (a file that keeps
    /// failing); a single bad frame is an ``Event/unreadable(index:time:reason:)``.
    public func next() throws -> Event {
        var frame = sfc_video_frame_info()
        let status = sfc_video_next(handle, &frame)
        let time = frame.time.isNaN ? nil : frame.time
        let message = Self.string(&frame.message)
        switch status {
        case SFC_VIDEO_FRAME:
            current = (Int(frame.width), Int(frame.height))
            defer { position += 1 }
            return .frame(index: position, time: time, warning: frame.concealed != 0 ? message : nil)
        case SFC_VIDEO_BAD_FRAME:
            current = nil
            defer { position += 1 }
            return .unreadable(index: position, time: time, reason: message.isEmpty ? "the frame cannot be decoded" : message)
        case SFC_VIDEO_END:
            current = nil
            return .end
        default:
            current = nil
            throw ImageIOError(path: path, reason: .corrupt, message: message.isEmpty ? "decoding stopped" : message)
        }
    }

    /// The frame ``next()`` just decoded, as RGB.
    public func image() throws -> RGBImage {
        guard let (width, height) = current else {
            preconditionFailure("VideoDecoder.image() without a decoded frame")
        }
        var message = [CChar](repeating: 0, count: Int(SFC_VIDEO_MESSAGE_CAPACITY))
        var failed = false
        let bytes = width * height * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: bytes + Int(SFC_VIDEO_RGB_SLACK)) { buffer, count in
            failed = sfc_video_convert_rgb(handle, buffer.baseAddress, buffer.count, &message) != 0
            count = failed ? 0 : bytes
        }
        if failed {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageIOError(path: path, reason: .corrupt, message: text)
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }

    private static func info(_ raw: sfc_video_info) -> VideoInfo {
        var raw = raw
        return VideoInfo(
            container: string(&raw.container), codec: string(&raw.codec), pixelFormat: string(&raw.pixel_format),
            width: Int(raw.width), height: Int(raw.height), codedWidth: Int(raw.coded_width), codedHeight: Int(raw.coded_height),
            rotation: Int(raw.rotation), framesPerSecond: raw.frame_rate > 0 ? raw.frame_rate : nil,
            duration: raw.duration >= 0 ? raw.duration : nil,
            declaredFrameCount: raw.frame_count_hint > 0 ? Int(raw.frame_count_hint) : nil)
    }

    private static func openError(path: String, _ raw: sfc_video_info) -> ImageIOError {
        var raw = raw
        let message = string(&raw.message)
        switch raw.error {
        case SFC_VIDEO_NOT_FOUND:
            let reason: ImageIOError.Reason = message.contains("ermission") ? .permissionDenied : .notFound
            return ImageIOError(path: path, reason: reason, message: message)
        case SFC_VIDEO_TOO_LARGE:
            return ImageIOError(path: path, reason: .tooLarge, message: message)
        case SFC_VIDEO_NOT_A_VIDEO, SFC_VIDEO_NO_DECODER:
            return ImageIOError(path: path, reason: .unknownFormat, message: message)
        default:
            return ImageIOError(path: path, reason: .readFailed, message: message.isEmpty ? "cannot open the video" : message)
        }
    }

    /// A fixed-size C string field as a Swift string.
    static func string<T>(_ field: inout T) -> String {
        withUnsafeBytes(of: &field) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension VideoDecoder {
    /// Caps every allocation FFmpeg makes, process-wide (the fuzz target keeps hostile input small with it).
    public static func limitAllocations(to bytes: Int) {
        sfc_video_limit_allocations(max(bytes, 0))
    }
}

extension VideoDecoder {
    /// Frames in the file, counted by decoding them (without converting them), unreadable ones included.
    public static func countFrames(path: String, maxPixels: Int = ImageDecoder().maxPixels) throws -> Int {
        let decoder = try VideoDecoder(path: path, maxPixels: maxPixels)
        var count = 0
        while try decoder.next() != .end { count += 1 }
        return count
    }
}
