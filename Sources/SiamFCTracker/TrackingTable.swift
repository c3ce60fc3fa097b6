import Foundation
import SiamFCImageIO
import SiamFCSupport

/// The files `siamfc track` writes: one row per frame, boxes `x,y,w,h` in OTB 1-based pixels.
public enum TrackingTable {
    public enum Format: String, Sendable, CaseIterable {
        /// `frame,file,pts_seconds,x,y,w,h,score,status` with a header (see ``csvHeader``).
        case csv
        /// Plain `x,y,w,h` lines, as OTB toolkits read them.
        case otb
    }

    /// `frame` is the frame's 1-based number in its source (a folder's file order, or a video's
    /// frames counted from its first), `file` the image file or the video's file name,
    /// `pts_seconds` a video frame's presentation timestamp in seconds from the start of the
    /// stream (empty for image files), `score` the tracker's confidence (empty on the initial and
    /// skipped rows), `status` one of ``TrackedFrame/Status``.
    public static let csvHeader = "frame,file,pts_seconds,x,y,w,h,score,status"

    public static func text(_ frames: [TrackedFrame], format: Format) -> String {
        switch format {
        case .csv: return csv(frames)
        case .otb: return frames.map { $0.box.description + "\n" }.joined()
        }
    }

    public static func csv(_ frames: [TrackedFrame]) -> String {
        var text = csvHeader + "\n"
        for frame in frames {
            let b = frame.box
            let fields = [BoundingBox.format(b.x), BoundingBox.format(b.y), BoundingBox.format(b.width), BoundingBox.format(b.height)]
            let score = frame.score.map { formatScore($0) } ?? ""
            let time = frame.time.flatMap { $0.isFinite ? formatSeconds($0) : nil } ?? ""
            text += "\(frame.index + 1),\(csvField(PathName.lastComponent(frame.name))),\(time),"
                + "\(fields.joined(separator: ",")),\(score),\(frame.status.rawValue)\n"
        }
        return text
    }

    /// Five decimals, as `%.5f` prints them.
    static func formatScore(_ score: Float) -> String {
        String(format: "%.5f", score)
    }

    /// RFC 4180 quoting for fields that need it.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
