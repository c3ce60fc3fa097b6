import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker

/// One augmented training pair for a NanoTrack-interface model: a 127 template crop, a 255 search
/// crop and the head's targets on the search crop.
///
/// Crops are taken as the tracker takes them (an integer square of the frame, padded with the
/// frame's mean colour, resized with OpenCV's 8-bit bilinear resize), so training sees the
/// tracker's pixels. The search crop is shifted by up to ±64 crop pixels and scaled by up to
/// ±18 % around the target, then blurred, colour-jittered, turned grey or mirrored; the template
/// gets a small jitter (±4 pixels, ±5 %).
struct LightTrackPair {
    /// `[1, 3, 127, 127]`, RGB 0–255.
    var template: Tensor
    /// `[1, 3, 255, 255]`, RGB 0–255.
    var search: Tensor
    var targets: AnchorFreeTargets

    static let searchShift: Float = 64
    static let searchScale: Float = 0.18
    static let templateShift: Float = 4
    static let templateScale: Float = 0.05
    static let blurProbability = 0.2
    static let grayscaleProbability = 0.1
    static let flipProbability = 0.5

    /// The tracker's square side with context for a box: `sqrt((w + p)(h + p))`, `p = (w + h)/2`.
    static func contextSide(_ box: BoundingBox) -> Float {
        let w = Float(box.width), h = Float(box.height), p = (w + h) * NanoTrackConfiguration.contextAmount
        return ((w + p) * (h + p)).squareRoot()
    }

    /// Another sequence's target (its frame and OTB box) to paste into the search crop.
    struct Distractor {
        var frame: RGBImage
        var box: BoundingBox
    }

    /// Sides of a pasted distractor relative to the target's, and the tries at finding it a
    /// place that leaves the target uncovered.
    static let distractorScale: ClosedRange<Double> = 0.8...1.25
    static let distractorTries = 8

    /// A pair from a template frame and box and a search frame and box (OTB 1-based); a negative
    /// pair (`positive` false) takes its search crop around `searchBox` but labels it as holding
    /// no target (the caller draws it from another sequence). A `distractor` is pasted into the
    /// search crop beside the target, which it never covers, and labelled background.
    init(templateFrame: RGBImage, templateBox: BoundingBox, searchFrame: RGBImage, searchBox: BoundingBox,
         positive: Bool = true, distractor: Distractor? = nil, using g: inout SplitMix64) {
        let templateOutput = NanoTrackConfiguration.templateSize, searchOutput = NanoTrackConfiguration.searchSize
        // Template: the tracker's crop of the box, slightly jittered.
        let zSide = max(1, Int((Self.contextSide(templateBox) * Float(g.uniform(1 - Double(Self.templateScale), 1 + Double(Self.templateScale)))).rounded()))
        let zScale = Float(zSide) / Float(templateOutput)
        let zShift = (Float(g.uniform(-1, 1)) * Self.templateShift * zScale, Float(g.uniform(-1, 1)) * Self.templateShift * zScale)
        let (tcx, tcy) = (Float(templateBox.x - 1) + Float(templateBox.width) / 2, Float(templateBox.y - 1) + Float(templateBox.height) / 2)
        template = Self.crop(templateFrame, centerX: tcx + zShift.0, centerY: tcy + zShift.1, side: zSide, output: templateOutput)

        // Search: twice the context side, scaled, and shifted so the target is off-centre.
        let xSide = max(1, Int((2 * Self.contextSide(searchBox) * Float(g.uniform(1 - Double(Self.searchScale), 1 + Double(Self.searchScale)))).rounded()))
        let xScale = Float(searchOutput) / Float(xSide)
        let shift = (Float(g.uniform(-1, 1)) * Self.searchShift / xScale, Float(g.uniform(-1, 1)) * Self.searchShift / xScale)
        let (scx, scy) = (Float(searchBox.x - 1) + Float(searchBox.width) / 2, Float(searchBox.y - 1) + Float(searchBox.height) / 2)
        let x0 = Int((scx + shift.0 - Float(xSide) / 2).rounded()), y0 = Int((scy + shift.1 - Float(xSide) / 2).rounded())
        search = Self.window(searchFrame, x: x0, y: y0, side: xSide, output: searchOutput)
        // The box in search-crop pixels, in the tracker's convention (a cell's position is a
        // pixel's centre): frame position u (pixel i spans [i, i + 1)) maps to (u − x0)·255/side − 0.5.
        func map(_ u: Double, _ origin: Int) -> Float { (Float(u) - Float(origin)) * xScale - 0.5 }
        var box = (x1: map(searchBox.x - 1, x0), y1: map(searchBox.y - 1, y0),
                   x2: map(searchBox.x - 1 + searchBox.width, x0), y2: map(searchBox.y - 1 + searchBox.height, y0))
        if let distractor { Self.paste(distractor, into: &search, beside: box, using: &g) }

        if g.nextUnit() < Self.blurProbability { Self.blur(&search) }
        let gray = g.nextUnit() < Self.grayscaleProbability
        TrainingPair.jitterColors(&template, gray: gray, using: &g)
        TrainingPair.jitterColors(&search, gray: gray, using: &g)
        if g.nextUnit() < Self.flipProbability {
            TrainingPair.flipHorizontally(&template)
            TrainingPair.flipHorizontally(&search)
            // Pixel d becomes pixel 254 − d.
            let last = Float(searchOutput - 1)
            box = (last - box.x2, box.y1, last - box.x1, box.y2)
        }
        targets = AnchorFreeTargets(box: positive ? box : nil)
    }

    /// Sides of a pseudo-target relative to the annotated target's, the most it may overlap the
    /// target (IoU), and the tries at placing it.
    static let pseudoTargetScale: ClosedRange<Double> = 0.7...1.4
    static let pseudoTargetOverlap = 0.2
    static let pseudoTargetTries = 8
    /// The teacher's target probability from which its box labels a pseudo-target pair.
    static let pseudoTargetConfidence: Float = 0.5

    /// A region of `frame` to track instead of its annotated `target` (a pseudo-target): about
    /// the target's size (each side times a random factor), wholly inside the frame, overlapping
    /// the target by at most ``pseudoTargetOverlap``; nil when a few tries find no such place.
    /// Whatever it shows, the teacher says where it is in the search crop, so every object and
    /// texture of the training frames becomes a target.
    static func pseudoTarget(in frame: RGBImage, besides target: BoundingBox, using g: inout SplitMix64) -> BoundingBox? {
        let width = min(max(target.width * g.uniform(pseudoTargetScale.lowerBound, pseudoTargetScale.upperBound), 8),
                        Double(frame.width) / 2)
        let height = min(max(target.height * g.uniform(pseudoTargetScale.lowerBound, pseudoTargetScale.upperBound), 8),
                         Double(frame.height) / 2)
        for _ in 0..<pseudoTargetTries {
            let box = BoundingBox(x: 1 + g.uniform(0, Double(frame.width) - width), y: 1 + g.uniform(0, Double(frame.height) - height),
                                  width: width, height: height)
            if box.iou(target) <= pseudoTargetOverlap { return box }
        }
        return nil
    }

    /// The square of `side` around a centre, as the tracker crops it.
    static func crop(_ frame: RGBImage, centerX: Float, centerY: Float, side: Int, output: Int) -> Tensor {
        window(frame, x: Int((centerX - Float(side) / 2).rounded()), y: Int((centerY - Float(side) / 2).rounded()), side: side, output: output)
    }

    static func window(_ frame: RGBImage, x: Int, y: Int, side: Int, output: Int) -> Tensor {
        let inside = x >= 0 && y >= 0 && x + side <= frame.width && y + side <= frame.height
        let fill = inside ? (0, 0, 0) : frame.meanColorBytes()
        return Tensor(uninitializedShape: [1, 3, output, output]) { dst in
            guard let base = dst.baseAddress else { return }
            FixedPointResize.resizeWindowPlanar(of: frame, x: x, y: y, width: side, height: side, fill: fill,
                                                toWidth: output, toHeight: output, into: base)
        }
    }

    /// Pastes the distractor's box, resized to the target's area (times a random factor, keeping
    /// its own aspect), at a random place of the crop that does not overlap the target's box;
    /// nothing when no such place is found in a few tries.
    static func paste(_ distractor: Distractor, into crop: inout Tensor, beside target: (x1: Float, y1: Float, x2: Float, y2: Float),
                      using g: inout SplitMix64) {
        let side = crop.shape[3]
        let box = distractor.box
        guard box.width >= 1, box.height >= 1 else { return }
        let area = Double(max(target.x2 - target.x1, 1) * max(target.y2 - target.y1, 1))
        let factor = (area / (box.width * box.height)).squareRoot() * g.uniform(distractorScale.lowerBound, distractorScale.upperBound)
        let width = min(max(Int((box.width * factor).rounded()), 4), side / 2)
        let height = min(max(Int((box.height * factor).rounded()), 4), side / 2)
        var place: (x: Int, y: Int)?
        for _ in 0..<distractorTries {
            let x = Int(g.next() % UInt64(side - width + 1)), y = Int(g.next() % UInt64(side - height + 1))
            let apart = Float(x + width) <= target.x1 || Float(x) >= target.x2 + 1
                || Float(y + height) <= target.y1 || Float(y) >= target.y2 + 1
            if apart { place = (x, y); break }
        }
        guard let place else { return }
        let frame = distractor.frame
        let (bx, by) = (Int((box.x - 1).rounded()), Int((box.y - 1).rounded()))
        let (bw, bh) = (max(1, Int(box.width.rounded())), max(1, Int(box.height.rounded())))
        let inside = bx >= 0 && by >= 0 && bx + bw <= frame.width && by + bh <= frame.height
        let fill = inside ? (0, 0, 0) : frame.meanColorBytes()
        var patch = [Float](repeating: 0, count: 3 * width * height)
        patch.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            FixedPointResize.resizeWindowPlanar(of: frame, x: bx, y: by, width: bw, height: bh, fill: fill,
                                                toWidth: width, toHeight: height, into: base)
        }
        crop.withUnsafeMutableBufferPointer { d in
            for c in 0..<3 {
                for row in 0..<height {
                    let to = (c * side + place.y + row) * side + place.x, from = (c * height + row) * width
                    for i in 0..<width { d[to + i] = patch[from + i] }
                }
            }
        }
    }

    /// A 3x3 box blur of each channel (edges replicated): motion and focus blur of real frames.
    static func blur(_ crop: inout Tensor) {
        let (channels, height, width) = (crop.shape[1], crop.shape[2], crop.shape[3])
        let source = crop
        source.withUnsafeBufferPointer { s in
            crop.withUnsafeMutableBufferPointer { d in
                for c in 0..<channels {
                    let base = c * height * width
                    for y in 0..<height {
                        for x in 0..<width {
                            var sum: Float = 0
                            for dy in -1...1 {
                                let yy = min(max(y + dy, 0), height - 1)
                                for dx in -1...1 { sum += s[base + yy * width + min(max(x + dx, 0), width - 1)] }
                            }
                            d[base + y * width + x] = sum / 9
                        }
                    }
                }
            }
        }
    }
}
