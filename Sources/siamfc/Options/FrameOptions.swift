import ArgumentParser
import Foundation
import SiamFCImageIO

/// The frames a command tracks and the box it starts from.
struct FrameOptions: ParsableArguments {
    @Argument(help: "A folder of frames, a sequence folder (img/ subfolder, or one video file and its ground truth), or a video file.")
    var frames: String

    @Option(help: "Initial box x,y,w,h (OTB 1-based). Default: the ground-truth line of the first frame tracked.")
    var box: String?

    func validate() throws {
        if let box, Self.parse(box) == nil { throw ValidationError("--box takes x,y,w,h, e.g. --box 120,80,40,60") }
    }

    /// `--box` when given, otherwise the ground-truth line of frame `index` (0-based).
    func initialBox(at index: Int = 0) throws -> BoundingBox {
        if let box {
            guard let parsed = Self.parse(box) else { throw ValidationError("--box takes x,y,w,h, e.g. --box 120,80,40,60") }
            return parsed
        }
        guard let (path, format) = FrameSequence.locateGroundTruth(frames) else {
            throw CLIError("\(frames): no initial box: pass --box x,y,w,h (no ground-truth file found)")
        }
        let truth = try GroundTruth.load(path: path, format: format)
        guard let first = truth.box(at: index) else {
            throw CLIError("\(path): line \(index + 1) has no box (missing, NaN or zero size): pass --box x,y,w,h")
        }
        return first
    }

    static func parse(_ text: String) -> BoundingBox? {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 4, let x = values[0], let y = values[1], let w = values[2], let h = values[3] else { return nil }
        return BoundingBox(x: x, y: y, width: w, height: h)
    }
}
