import CVideoShim

/// The codecs ``VideoWriter`` encodes with, all in Debian's FFmpeg (and Homebrew's).
public enum VideoCodec: String, Sendable, CaseIterable {
    /// H.264 through libx264 where the container takes it, else MPEG-4 Part 2.
    case automatic = "auto"
    /// H.264 (libx264, yuv420p, preset veryfast); quality 80 is CRF 10.
    case h264
    /// MPEG-4 Part 2 (FFmpeg's own encoder, yuv420p).
    case mpeg4
    /// Motion JPEG (FFmpeg's own, full-range yuvj420p): every frame a JPEG.
    case mjpeg
    /// FFV1, lossless 8-bit RGB (bgr0): what goes in comes out, byte for byte (`.mkv`, `.avi`).
    case ffv1

    var shim: sfc_video_codec {
        switch self {
        case .automatic: return SFC_CODEC_AUTO
        case .h264: return SFC_CODEC_H264
        case .mpeg4: return SFC_CODEC_MPEG4
        case .mjpeg: return SFC_CODEC_MJPEG
        case .ffv1: return SFC_CODEC_FFV1
        }
    }
}
