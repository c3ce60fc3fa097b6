#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCTracker

/// What a NanoTrack-interface head should output for one search crop: which cells of the 16x16
/// map are on the target, the distances from each positive cell to the box's sides, and the
/// weights of the balanced classification loss and of the box loss.
///
/// A cell sits at `gx = (j − 8)·16 + 127`, `gy = (r − 8)·16 + 127` in search-crop pixels, as the
/// tracker reads the map. Positives are the cells inside the ellipse inscribed in the target's
/// box (half axes w/2 and h/2), or the cell nearest the box's centre when none is: every
/// positive cell lies inside the box, so its four distances are positive.
struct AnchorFreeTargets {
    static let side = NanoTrackConfiguration.scoreSize
    static let cells = side * side

    /// 1 on positives, 0 elsewhere; `cells` values.
    var labels: [Float]
    /// Balanced classification weights: the positives share 0.5, the negatives 0.5 (a pair with
    /// no target gives its negatives 0.5 in all).
    var classWeights: [Float]
    /// Left, top, right and bottom distances (search-crop pixels), plane after plane, 0 on negatives.
    var distances: [Float]
    /// `1/#positives` on positives, 0 elsewhere.
    var boxWeights: [Float]

    /// The cell position in search-crop pixels.
    static func position(_ index: Int) -> (x: Float, y: Float) {
        let centre = Float(NanoTrackConfiguration.searchSize / 2), stride = Float(NanoTrackConfiguration.stride)
        return (Float(index % side - side / 2) * stride + centre, Float(index / side - side / 2) * stride + centre)
    }

    /// Targets for a box `(x1, y1, x2, y2)` in search-crop pixels, or for a crop without the
    /// target (`box` nil: a negative pair).
    init(box: (x1: Float, y1: Float, x2: Float, y2: Float)?) {
        labels = [Float](repeating: 0, count: Self.cells)
        distances = [Float](repeating: 0, count: 4 * Self.cells)
        boxWeights = [Float](repeating: 0, count: Self.cells)
        guard let box, box.x2 > box.x1, box.y2 > box.y1 else {
            classWeights = [Float](repeating: 0.5 / Float(Self.cells), count: Self.cells)
            return
        }
        let (cx, cy) = ((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2)
        let (a, b) = ((box.x2 - box.x1) / 2, (box.y2 - box.y1) / 2)
        var positives: [Int] = []
        var nearest = 0, nearestDistance = Float.infinity
        for i in 0..<Self.cells {
            let p = Self.position(i)
            let (dx, dy) = ((p.x - cx) / a, (p.y - cy) / b)
            if dx * dx + dy * dy < 1 { positives.append(i) }
            let d = (p.x - cx) * (p.x - cx) + (p.y - cy) * (p.y - cy)
            if d < nearestDistance { (nearest, nearestDistance) = (i, d) }
        }
        // The nearest cell may lie outside a box that is smaller than a cell or off the map: then
        // it is a positive only if it is inside the box.
        if positives.isEmpty {
            let p = Self.position(nearest)
            if p.x > box.x1 && p.x < box.x2 && p.y > box.y1 && p.y < box.y2 { positives = [nearest] }
        }
        for i in positives {
            let p = Self.position(i)
            labels[i] = 1
            distances[i] = p.x - box.x1
            distances[Self.cells + i] = p.y - box.y1
            distances[2 * Self.cells + i] = box.x2 - p.x
            distances[3 * Self.cells + i] = box.y2 - p.y
            boxWeights[i] = 1 / Float(positives.count)
        }
        let negatives = Self.cells - positives.count
        classWeights = labels.map { $0 == 1 ? 0.5 / Float(positives.count) : 0.5 / Float(max(negatives, 1)) }
    }

    /// Targets from a teacher's outputs on the crop (`classes` `[1, 2, 16, 16]` logits, background
    /// then target; `distances` `[1, 4, 16, 16]`): the box of its most probable cell, when that
    /// cell's target probability reaches `confidence`; otherwise no hard labels at all (every
    /// weight 0), so that only the teacher's soft targets act on the pair.
    init(teacherClasses classes: [Float], distances teacher: [Float], confidence: Float) {
        precondition(classes.count == 2 * Self.cells && teacher.count == 4 * Self.cells, "AnchorFreeTargets: teacher output sizes")
        var best = 0
        for i in 1..<Self.cells where classes[Self.cells + i] - classes[i] > classes[Self.cells + best] - classes[best] { best = i }
        let probability = 1 / (1 + expf(classes[best] - classes[Self.cells + best]))
        guard probability >= confidence else {
            self.init(box: nil)
            classWeights = [Float](repeating: 0, count: Self.cells)
            return
        }
        let p = Self.position(best)
        self.init(box: (p.x - teacher[best], p.y - teacher[Self.cells + best],
                        p.x + teacher[2 * Self.cells + best], p.y + teacher[3 * Self.cells + best]))
    }

    var positiveCount: Int { labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) } }
}
