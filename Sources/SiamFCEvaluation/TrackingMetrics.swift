import SiamFCImageIO

/// One-pass evaluation metrics computed as the GOT-10k toolkit computes them (`rect_iou`,
/// `center_error` and its OTB success and precision curves).
public enum TrackingMetrics {
    /// Overlap thresholds of the success curve: 0, 0.05, …, 1 (21 values).
    public static let overlapThresholds: [Double] = (0...20).map { Double($0) / 20 }
    /// Centre-error thresholds of the precision curve: 0, 1, …, 50 pixels.
    public static let errorThresholds: [Double] = (0...50).map(Double.init)
    /// Thresholds of the normalised precision curve: 0, 0.01, …, 0.5 (LaSOT's).
    public static let normalizedThresholds: [Double] = (0...50).map { Double($0) / 100 }

    /// Centre error with each axis divided by the ground truth's size (LaSOT's normalised
    /// precision), so that large and small targets weigh alike.
    public static func normalizedCenterError(_ prediction: BoundingBox, _ truth: BoundingBox) -> Double {
        let (p, t) = (prediction.center, truth.center)
        let dx = (p.x - t.x) / truth.width, dy = (p.y - t.y) / truth.height
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Intersection over union of two `x,y,w,h` boxes, with the toolkit's convention that a box
    /// spans `x … x + w` (no ±1); 0 when they do not meet.
    public static func iou(_ a: BoundingBox, _ b: BoundingBox) -> Double { a.iou(b) }

    /// Distance between box centres, with centres at `x + (w − 1)/2`, `y + (h − 1)/2`.
    public static func centerError(_ a: BoundingBox, _ b: BoundingBox) -> Double {
        let (ca, cb) = (a.center, b.center)
        return ((ca.x - cb.x) * (ca.x - cb.x) + (ca.y - cb.y) * (ca.y - cb.y)).squareRoot()
    }

    /// Per-sequence results: the fraction of frames whose IoU exceeds each overlap threshold
    /// (success) and whose centre error is within each pixel threshold (precision).
    public struct Curves: Sendable, Equatable, Codable {
        public var success: [Double]
        public var precision: [Double]
        /// Fraction of frames within each of ``normalizedThresholds``.
        public var normalizedPrecision: [Double]
        /// Frames that had ground truth and were scored.
        public var frames: Int

        /// Area under the success curve: its mean over the 21 thresholds.
        public var successScore: Double { success.reduce(0, +) / Double(max(success.count, 1)) }
        /// Precision at 20 pixels.
        public var precisionScore: Double { precision.count > 20 ? precision[20] : 0 }
        /// Success at IoU 0.5.
        public var successRate: Double { success.count > 10 ? success[10] : 0 }
        /// Area under the normalised precision curve (its mean over 0 … 0.5).
        public var normalizedPrecisionScore: Double {
            normalizedPrecision.reduce(0, +) / Double(max(normalizedPrecision.count, 1))
        }
    }

    /// Curves of one sequence. Frames without ground truth (nil) are left out; `predictions`
    /// longer than the ground truth are cut to it, as for OTB Diving.
    public static func curves(predictions: [BoundingBox], groundTruth: [BoundingBox?]) -> Curves {
        var ious: [Double] = [], errors: [Double] = [], normalized: [Double] = []
        for (prediction, truth) in zip(predictions, groundTruth) {
            guard let truth else { continue }
            ious.append(iou(prediction, truth))
            errors.append(centerError(prediction, truth))
            normalized.append(normalizedCenterError(prediction, truth))
        }
        let n = Double(max(ious.count, 1))
        return Curves(
            success: overlapThresholds.map { t in Double(ious.filter { $0 > t }.count) / n },
            precision: errorThresholds.map { t in Double(errors.filter { $0 <= t }.count) / n },
            normalizedPrecision: normalizedThresholds.map { t in Double(normalized.filter { $0 <= t }.count) / n },
            frames: ious.count)
    }

    /// Curves averaged over sequences (each sequence counts once, whatever its length).
    public static func average(_ all: [Curves]) -> Curves {
        guard let first = all.first else {
            return Curves(success: overlapThresholds.map { _ in 0 }, precision: errorThresholds.map { _ in 0 },
                          normalizedPrecision: normalizedThresholds.map { _ in 0 }, frames: 0)
        }
        let k = Double(all.count)
        func mean(_ curve: KeyPath<Curves, [Double]>) -> [Double] {
            first[keyPath: curve].indices.map { i in all.map { $0[keyPath: curve][i] }.reduce(0, +) / k }
        }
        return Curves(success: mean(\.success), precision: mean(\.precision),
                      normalizedPrecision: mean(\.normalizedPrecision), frames: all.map(\.frames).reduce(0, +))
    }
}
