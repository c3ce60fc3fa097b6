#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

/// Time spent in each stage of the last ``SiamFCTracker/update(frame:)``, in seconds.
public struct UpdateTimings: Sendable, Equatable {
    public var crop = 0.0
    public var backbone = 0.0
    public var correlation = 0.0
    public var upsampleAndPeak = 0.0
    public var total: Double { crop + backbone + correlation + upsampleAndPeak }

    public init() {}
}

/// A SiamFC single-object tracker: `initialize(frame:box:)` on the first frame, then
/// `update(frame:)` on each following one, as OpenCV's trackers work.
///
/// Boxes are ``BoundingBox`` values in OTB's 1-based convention. Each tracker owns its state;
/// several can run in one process, on different threads, sharing one ``SiamFCModel``.
public final class SiamFCTracker: Tracker {
    public let model: SiamFCModel
    public let configuration: TrackerConfiguration
    public private(set) var timings = UpdateTimings()

    // State, in siamfc-pytorch's terms: 0-based centre, target size, exemplar and search sides.
    private var center = (x: 0.0, y: 0.0)
    private var targetSize = (width: 0.0, height: 0.0)
    private var initialWidth = 0.0
    private var exemplarSide = 0.0
    private var searchSide = 0.0
    private var meanColor: (Float, Float, Float) = (0, 0, 0)
    private var exemplarFeatures: Tensor?
    private var frameSize = (width: 0, height: 0)
    private var frameNumber = 0
    private let window: [Float]
    private let upsampledSize: Int

    /// A tracker with `model`'s weights and `configuration` (by default, the model's own).
    public init(model: SiamFCModel, config configuration: TrackerConfiguration? = nil) throws {
        let configuration = configuration ?? model.configuration
        try configuration.validate()
        self.model = model
        self.configuration = configuration
        let responseSide = (configuration.instanceSize - configuration.exemplarSize) / configuration.totalStride + 1
        upsampledSize = responseSide * configuration.responseUpsampling
        window = Self.hannWindow(upsampledSize)
    }

    /// Starts tracking the target in `box` (OTB 1-based) on `frame`.
    public func initialize(frame: RGBImage, box: BoundingBox) throws {
        try TrackerInputChecks.initial(frame: frame, box: box)
        center = (box.x - 1 + (box.width - 1) / 2, box.y - 1 + (box.height - 1) / 2)
        targetSize = (box.width, box.height)
        initialWidth = box.width
        let context = configuration.context * (box.width + box.height)
        exemplarSide = ((box.width + context) * (box.height + context)).squareRoot()
        searchSide = exemplarSide * Double(configuration.instanceSize) / Double(configuration.exemplarSize)
        meanColor = PatchCropper.meanColor(frame)
        frameSize = (frame.width, frame.height)
        frameNumber = 1
        let crop = try exemplarCrop(frame)
        exemplarFeatures = try model.backbone(crop)
    }

    /// The exemplar crop of `frame` at the current state (exposed for tests and tools).
    func exemplarCrop(_ frame: RGBImage) throws -> Tensor {
        try PatchCropper.crop(frame, centerX: center.x, centerY: center.y, size: exemplarSide,
                              output: configuration.exemplarSize, fill: meanColor)
    }

    /// The search crops of `frame`, one per scale, as a batch.
    func searchCrops(_ frame: RGBImage) throws -> Tensor {
        let crops = try configuration.scaleFactors.map { factor in
            try PatchCropper.crop(frame, centerX: center.x, centerY: center.y, size: searchSide * factor,
                                  output: configuration.instanceSize, fill: meanColor)
        }
        return try Tensor.concatBatch(crops)
    }

    /// Finds the target in the next frame. Returns its box (OTB 1-based) and the peak of the
    /// chosen scale's response, a confidence that is high while the target looks like itself.
    public func update(frame: RGBImage) throws -> (box: BoundingBox, score: Float) {
        guard let exemplar = exemplarFeatures else {
            throw TrackerError("update(frame:) called before initialize(frame:box:)")
        }
        frameNumber += 1
        try TrackerInputChecks.next(frame: frame, number: frameNumber, firstSize: frameSize)
        var clock = Stopwatch()
        let crops = try searchCrops(frame)
        timings.crop = clock.lap()
        let features = try model.backbone(crops)
        timings.backbone = clock.lap()
        let responses = try Tensor.crossCorrelation(search: features, exemplar: exemplar, scale: configuration.responseScale)
        timings.correlation = clock.lap()
        let (scaleIndex, location, peak) = try locatePeak(responses)
        timings.upsampleAndPeak = clock.lap()
        move(scaleIndex: scaleIndex, location: location)
        return (box, peak)
    }

    /// The stages of ``SiamFCModel/stages``: crop, backbone, correlation, upsample and peak.
    public var stageSeconds: [Double] {
        [timings.crop, timings.backbone, timings.correlation, timings.upsampleAndPeak]
    }

    /// The current box, OTB 1-based.
    public var box: BoundingBox {
        BoundingBox(x: center.x + 1 - (targetSize.width - 1) / 2, y: center.y + 1 - (targetSize.height - 1) / 2,
                    width: targetSize.width, height: targetSize.height)
    }

    /// Upsamples each scale's response, penalises the scale changes, picks the scale with the
    /// highest peak, then the peak of its normalised response blended with the cosine window.
    func locatePeak(_ responses: Tensor) throws -> (scale: Int, location: (x: Int, y: Int), peak: Float) {
        let side = upsampledSize
        let upsampled = try responses.resized(height: side, width: side, interpolation: .bicubic)
        let plane = side * side
        let scales = configuration.scaleCount, middle = scales / 2
        return upsampled.withUnsafeBufferPointer { maps in
            var best = (index: middle, value: -Float.infinity)
            for s in 0..<scales {
                let penalty: Float = s == middle ? 1 : configuration.scalePenalty
                var m = -Float.infinity
                for i in (s * plane)..<((s + 1) * plane) { m = max(m, maps[i]) }
                // Strictly greater: the first scale wins ties, as NumPy's argmax.
                if m * penalty > best.value { best = (s, m * penalty) }
            }
            let penalty: Float = best.index == middle ? 1 : configuration.scalePenalty
            let base = best.index * plane
            var low = Float.infinity, total: Double = 0
            for i in 0..<plane {
                let v = maps[base + i] * penalty
                low = min(low, v)
            }
            for i in 0..<plane { total += Double(maps[base + i] * penalty - low) }
            let norm = Float(1 / (total + 1e-16))
            let influence = configuration.windowInfluence
            var bestIndex = 0, bestScore = -Float.infinity
            for i in 0..<plane {
                let normalised = (maps[base + i] * penalty - low) * norm
                let score = (1 - influence) * normalised + influence * window[i]
                if score > bestScore { bestScore = score; bestIndex = i }
            }
            return (best.index, (bestIndex % side, bestIndex / side), best.value)
        }
    }

    /// Moves the centre by the peak's displacement from the response centre and moves the size
    /// towards the chosen scale.
    func move(scaleIndex: Int, location: (x: Int, y: Int)) {
        let c = configuration
        let factor = c.scaleFactors[scaleIndex]
        let middle = Double(upsampledSize - 1) / 2
        let toImage = Double(c.totalStride) / Double(c.responseUpsampling) * searchSide * factor / Double(c.instanceSize)
        center.x += (Double(location.x) - middle) * toImage
        center.y += (Double(location.y) - middle) * toImage
        var scale = (1 - c.scaleLearningRate) + c.scaleLearningRate * factor
        // Keep the size within the configured multiples of the initial size.
        let relative = targetSize.width * scale / initialWidth
        if relative < c.minimumScale { scale = c.minimumScale * initialWidth / targetSize.width }
        if relative > c.maximumScale { scale = c.maximumScale * initialWidth / targetSize.width }
        targetSize = (targetSize.width * scale, targetSize.height * scale)
        exemplarSide *= scale
        searchSide *= scale
    }

    /// The normalised 2-D Hann window (`np.outer(np.hanning(n), np.hanning(n))`, summing to 1).
    static func hannWindow(_ n: Int) -> [Float] {
        let w = (0..<n).map { i in n > 1 ? 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1)) : 1 }
        let total = w.reduce(0, +) * w.reduce(0, +)
        var window = [Float](repeating: 0, count: n * n)
        for y in 0..<n { for x in 0..<n { window[y * n + x] = Float(w[y] * w[x] / total) } }
        return window
    }
}
