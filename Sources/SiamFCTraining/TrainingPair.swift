import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

/// One augmented training pair: an exemplar crop, a search crop, and where the target's centre
/// lies in the search crop.
struct TrainingPair {
    /// `[1, 3, 127, 127]`, RGB 0...255.
    var exemplar: Tensor
    /// `[1, 3, 239, 239]`, RGB 0...255.
    var search: Tensor
    /// The target's centre relative to the search crop's centre, in crop pixels.
    var targetOffset: (x: Double, y: Double)

    /// Random scale change of each crop: its side is multiplied by up to 1 ± this.
    static let maximumStretch = 0.05
    /// Random translation of each crop, in output pixels: one response cell for the search crop,
    /// so that the network cannot learn that the target is always in the middle.
    static let exemplarShift = 2.0
    static let searchShift = 8.0
    static let grayscaleProbability = 0.1
    /// Brightness is multiplied by up to 1 ± this, each channel by up to 1 ± a third of it.
    static let colorJitter = 0.15

    /// Crops both frames around their ground-truth boxes with tracking's context (the exemplar
    /// side is `√((w + c)(h + c))`, `c = (w + h)/2`, the search side 255/127 of it), then applies
    /// the random stretch, translation, colour jitter, grayscale and horizontal flip.
    init(exemplarFrame: RGBImage, exemplarBox: BoundingBox, searchFrame: RGBImage, searchBox: BoundingBox,
         using g: inout SplitMix64) throws {
        let tracking = TrackerTrainingConfiguration.tracking
        let zSize = TrackerTrainingConfiguration.exemplarSize, xSize = TrackerTrainingConfiguration.searchSize
        func context(_ b: BoundingBox) -> (cx: Double, cy: Double, side: Double) {
            let c = tracking.context * (b.width + b.height)
            return (b.x - 1 + (b.width - 1) / 2, b.y - 1 + (b.height - 1) / 2, ((b.width + c) * (b.height + c)).squareRoot())
        }
        let z = context(exemplarBox), x = context(searchBox)
        let zSide = z.side * g.uniform(1 - Self.maximumStretch, 1 + Self.maximumStretch)
        let zShift = (g.uniform(-Self.exemplarShift, Self.exemplarShift), g.uniform(-Self.exemplarShift, Self.exemplarShift))
        exemplar = try PatchCropper.crop(
            exemplarFrame, centerX: z.cx + zShift.0 * zSide / Double(zSize), centerY: z.cy + zShift.1 * zSide / Double(zSize),
            size: zSide, output: zSize, fill: PatchCropper.meanColor(exemplarFrame))
        // The search crop covers 239/255 of tracking's search region.
        let trackingSearch = Double(tracking.instanceSize)
        let xSide = x.side * trackingSearch / Double(zSize) * Double(xSize) / trackingSearch
            * g.uniform(1 - Self.maximumStretch, 1 + Self.maximumStretch)
        let xShift = (g.uniform(-Self.searchShift, Self.searchShift), g.uniform(-Self.searchShift, Self.searchShift))
        search = try PatchCropper.crop(
            searchFrame, centerX: x.cx + xShift.0 * xSide / Double(xSize), centerY: x.cy + xShift.1 * xSide / Double(xSize),
            size: xSide, output: xSize, fill: PatchCropper.meanColor(searchFrame))
        targetOffset = (-xShift.0, -xShift.1)

        let gray = g.nextUnit() < Self.grayscaleProbability
        Self.jitterColors(&exemplar, gray: gray, using: &g)
        Self.jitterColors(&search, gray: gray, using: &g)
        if g.nextUnit() < 0.5 {
            Self.flipHorizontally(&exemplar)
            Self.flipHorizontally(&search)
            targetOffset.x = -targetOffset.x
        }
    }

    /// Scales brightness and each channel by random factors, or turns the crop gray (the same
    /// for both crops of a pair, so the pair stays comparable); values stay in 0...255.
    static func jitterColors(_ crop: inout Tensor, gray: Bool, using g: inout SplitMix64) {
        let brightness = g.uniform(1 - colorJitter, 1 + colorJitter)
        let channel = (0..<3).map { _ in Float(brightness * g.uniform(1 - colorJitter / 3, 1 + colorJitter / 3)) }
        let plane = crop.shape[2] * crop.shape[3]
        crop.withUnsafeMutableBufferPointer { p in
            for i in 0..<plane {
                var (r, gr, b) = (p[i] * channel[0], p[plane + i] * channel[1], p[2 * plane + i] * channel[2])
                if gray {
                    let luma = 0.299 * r + 0.587 * gr + 0.114 * b
                    (r, gr, b) = (luma, luma, luma)
                }
                p[i] = min(max(r, 0), 255)
                p[plane + i] = min(max(gr, 0), 255)
                p[2 * plane + i] = min(max(b, 0), 255)
            }
        }
    }

    /// Mirrors every row of a `[1, C, H, W]` crop.
    static func flipHorizontally(_ crop: inout Tensor) {
        let width = crop.shape[3], rows = crop.count / max(width, 1)
        crop.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                var (a, b) = (r * width, r * width + width - 1)
                while a < b {
                    p.swapAt(a, b)
                    a += 1
                    b -= 1
                }
            }
        }
    }
}

/// SiamFC's labels for a response map and the weights of its balanced logistic loss.
enum ResponseLabels {
    /// Cells whose centre (cell `k` is `(k − (side−1)/2) · stride` crop pixels from the crop's
    /// centre) lies within `radius` of the target are positives (1), the rest negatives (0).
    /// Weights are `0.5/#positives` and `0.5/#negatives`, so both classes weigh the same however
    /// few positives there are.
    static func make(targetOffset: (x: Double, y: Double), side: Int, stride: Int, radius: Double)
        -> (labels: [Float], weights: [Float]) {
        var labels = [Float](repeating: 0, count: side * side)
        let middle = Double(side - 1) / 2
        for i in 0..<side {
            for j in 0..<side {
                let dx = (Double(j) - middle) * Double(stride) - targetOffset.x
                let dy = (Double(i) - middle) * Double(stride) - targetOffset.y
                if (dx * dx + dy * dy).squareRoot() <= radius { labels[i * side + j] = 1 }
            }
        }
        let positives = labels.reduce(0, +), negatives = Float(labels.count) - positives
        let weights = labels.map { $0 == 1 ? 0.5 / max(positives, 1) : 0.5 / max(negatives, 1) }
        return (labels, weights)
    }
}
