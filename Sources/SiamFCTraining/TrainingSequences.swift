import SiamFCTracker
import SiamFCImageIO
import SiamFCSupport

/// The annotated frames that training pairs are drawn from.
struct TrainingSequences: Sendable {
    struct Sequence: Sendable {
        let name: String
        let frames: [String]
        let boxes: [BoundingBox?]
        /// Frames whose box is usable: present, at least 4 px on each side, aspect within 1:10.
        let usable: [Int]
    }

    let sequences: [Sequence]
    /// Running totals of usable frames, so that a frame can be drawn uniformly over all sequences.
    private let cumulative: [Int]
    let maximumGap: Int

    var frameCount: Int { cumulative.last ?? 0 }

    init(roots: [String], maximumGap: Int) throws {
        var sequences: [Sequence] = []
        for path in try FrameSequence.discover(roots) {
            let sequence = try FrameSequence(path: path)
            let boxes = sequence.groundTruth?.boxes ?? []
            let usable = boxes.indices.filter { i in
                guard i < sequence.frames.count, let b = boxes[i], b.isValid, b.width >= 4, b.height >= 4 else { return false }
                return b.width / b.height <= 10 && b.height / b.width <= 10
            }
            if usable.count >= 2 {
                sequences.append(Sequence(name: sequence.name, frames: sequence.frames, boxes: boxes, usable: usable))
            }
        }
        guard !sequences.isEmpty else {
            throw TrainingError("\(roots.joined(separator: ", ")): no sequence with at least two annotated frames to train on")
        }
        self.sequences = sequences
        var total = 0
        cumulative = sequences.map { total += $0.usable.count; return total }
        self.maximumGap = maximumGap
    }

    /// A pair: an exemplar frame drawn uniformly from all usable frames, and a search frame of the
    /// same sequence at most `maximumGap` frames away.
    func pair(using generator: inout SplitMix64) -> (sequence: Int, exemplar: Int, search: Int) {
        let draw = Int(generator.next() % UInt64(frameCount))
        let s = cumulative.firstIndex { draw < $0 } ?? (sequences.count - 1)
        let usable = sequences[s].usable
        let z = usable[draw - (s > 0 ? cumulative[s - 1] : 0)]
        let lower = usable.firstIndex { $0 >= z - maximumGap } ?? 0
        let upper = usable.lastIndex { $0 <= z + maximumGap } ?? (usable.count - 1)
        let x = usable[lower + Int(generator.next() % UInt64(upper - lower + 1))]
        return (s, z, x)
    }
}
