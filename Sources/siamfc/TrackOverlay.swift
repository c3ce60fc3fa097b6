import Foundation
import SiamFCDrawing
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

/// `track --overlay`: every frame with its box drawn, as a video when the path names a video
/// file (by its extension) and as numbered JPEGs in a folder otherwise.
final class TrackOverlay {
    let path: String
    private let framesPerSecond: Double
    private var writer: VideoWriter?
    let isVideo: Bool
    /// The encoder a video overlay is written with, once its first frame is in.
    private(set) var encoder: String?

    init(path: String, framesPerSecond: Double) throws {
        self.path = path
        self.framesPerSecond = framesPerSecond
        isVideo = VideoFiles.hasVideoExtension(path)
        if !isVideo { try FileSystem.createDirectories(path) }
    }

    /// Draws `box` on `image` and writes it. A skipped frame has no image of its own: a video
    /// repeats the last one, so that its timing holds; a folder gets no file for it.
    func add(_ result: TrackedFrame, image: RGBImage) throws {
        if result.status == .skipped && !isVideo { return }
        var canvas = Canvas(image: image)
        canvas.drawBox(result.box, color: result.status == .skipped ? .red : .green, lineWidth: max(2, image.width / 200))
        if isVideo {
            if writer == nil {
                writer = try VideoWriter(path: path, width: image.width, height: image.height, framesPerSecond: framesPerSecond)
                encoder = writer?.encoder
            }
            try writer?.add(canvas.image)
        } else {
            try ImageEncoder.write(canvas.image, to: path + "/" + String(format: "%04d.jpg", result.index + 1), quality: 90)
        }
    }

    /// Completes a video (a folder is complete as it goes); `partial` keeps it under a name
    /// that no one takes for a finished run.
    func finish(partial: Bool) throws {
        try writer?.finish(as: partial ? path + ".partial" : nil)
        writer = nil
    }
}
