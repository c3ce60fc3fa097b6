import SiamFCImageIO
import SiamFCSupport

/// The files `siamfc track` writes: one row per frame, boxes `x,y,w,h` in OTB 1-based pixels.
public enum TrackingTable {
    public enum Format: String, Sendable, CaseIterable {
        /// `frame,file,x,y,w,h,score` with a header; the first row is the initial box, its score empty.
        case csv
        /// Plain `x,y,w,h` lines, as OTB toolkits read them.
        case otb
    }

    public static let csvHeader = "frame,file,x,y,w,h,score"

    public static func text(_ frames: [TrackedFrame], format: Format) -> String {
        switch format {
        case .csv: return csv(frames)
        case .otb: return frames.map { $0.box.description + "\n" }.joined()
        }
    }

    public static func csv(_ frames: [TrackedFrame]) -> String {
        var text = csvHeader + "\n"
        for (i, frame) in frames.enumerated() {
            let b = frame.box
            let fields = [BoundingBox.format(b.x), BoundingBox.format(b.y), BoundingBox.format(b.width), BoundingBox.format(b.height)]
            let score = frame.score.map { formatScore($0) } ?? ""
            text += "\(i + 1),\(csvField(PathName.lastComponent(frame.name))),\(fields.joined(separator: ",")),\(score)\n"
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

import Foundation
