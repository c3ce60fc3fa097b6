import ArgumentParser
import Foundation
import SiamFCImageIO

/// The box a command starts tracking from: `--box x,y,w,h` when given, otherwise the first
/// line of the folder's ground truth.
enum InitialBox {
    static func resolve(box: String?, frames: String) throws -> BoundingBox {
        if let box {
            let values = box.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 4, let x = values[0], let y = values[1], let w = values[2], let h = values[3] else {
                throw ValidationError("--box takes x,y,w,h, e.g. --box 120,80,40,60")
            }
            return BoundingBox(x: x, y: y, width: w, height: h)
        }
        guard let (path, format) = FrameSequence.locateGroundTruth(frames) else {
            throw CLIError("\(frames): no initial box: pass --box x,y,w,h (no ground-truth file found)")
        }
        let truth = try GroundTruth.load(path: path, format: format)
        guard let first = truth.box(at: 0) else {
            throw CLIError("\(path): line 1 has no box (NaN or zero size): pass --box x,y,w,h")
        }
        return first
    }
}
