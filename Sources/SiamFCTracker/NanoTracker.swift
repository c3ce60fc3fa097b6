#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

/// A single-scale Siamese tracker with a box head, for ``NanoTrackModel``s: the pre- and
/// post-processing of OpenCV 5.0's `TrackerNano`, step by step, so that OpenCV's NanoTrack files
/// give OpenCV's boxes.
///
/// State is kept as OpenCV keeps it: centre and size in Float32, 0-based. Crops are taken from the
/// 8-bit frame around the truncated centre, padded with the frame's mean colour and resized with
/// ``FixedPointResize``. Returned boxes are OpenCV's integer rectangles, in OTB's 1-based
/// convention; the score is the chosen cell's score after the penalties and the window.
public final class NanoTracker: Tracker {
    public let model: NanoTrackModel
    public var configuration: NanoTrackConfiguration { model.configuration }

    /// Centre and size, Float32, 0-based, as OpenCV's `targetPos` and `targetSz`.
    private(set) var state: (cx: Float, cy: Float, width: Float, height: Float) = (0, 0, 0, 0)
    private(set) var templateFeatures: Tensor?
    private var frameSize = (width: 0, height: 0)
    private var frameNumber = 0
    private var timings = [Double](repeating: 0, count: NanoTrackModel.stages.count)
    /// `sqrt(hann(16) ⊗ hann(16))` and the search-crop position of each cell.
    let window: [Float]
    let gridX: [Float], gridY: [Float]

    public init(model: NanoTrackModel) throws {
        self.model = model
        let n = NanoTrackConfiguration.scoreSize, stride = NanoTrackConfiguration.stride
        window = Self.window(n)
        let centre = Float(NanoTrackConfiguration.searchSize / 2)
        gridX = (0..<(n * n)).map { Float(($0 % n - n / 2) * stride) + centre }
        gridY = (0..<(n * n)).map { Float(($0 / n - n / 2) * stride) + centre }
    }

    /// OpenCV's `createHanningWindow` (products in Double, then a Float32 square root).
    static func window(_ n: Int) -> [Float] {
        let step = 2 * Double.pi / Double(n - 1)
        let hann = (0..<n).map { 0.5 * (1 - cos(step * Double($0))) }
        return (0..<(n * n)).map { Float(hann[$0 / n] * hann[$0 % n]).squareRoot() }
    }

    /// The integer rectangle OpenCV is given for an OTB 1-based box: each of `x − 1, y − 1, w, h`
    /// rounded half to even, width and height at least 1.
    public static func integerRectangle(_ box: BoundingBox) -> (x: Int, y: Int, width: Int, height: Int) {
        (Int((box.x - 1).rounded(.toNearestOrEven)), Int((box.y - 1).rounded(.toNearestOrEven)),
         max(1, Int(box.width.rounded(.toNearestOrEven))), max(1, Int(box.height.rounded(.toNearestOrEven))))
    }

    public func initialize(frame: RGBImage, box: BoundingBox) throws {
        try TrackerInputChecks.initial(frame: frame, box: box)
        // Bounds the crop sides (and so memory) for any box that overlaps the frame.
        guard box.width <= 8 * Double(frame.width), box.height <= 8 * Double(frame.height) else {
            throw TrackerError("initial box \(box) is more than 8 times the \(frame.width)x\(frame.height) frame")
        }
        let rect = Self.integerRectangle(box)
        let w = Float(rect.width), h = Float(rect.height)
        state = (Float(rect.x) + w * 0.5, Float(rect.y) + h * 0.5, w, h)
        frameSize = (frame.width, frame.height)
        frameNumber = 1
        let sum = w + h, context = NanoTrackConfiguration.contextAmount
        let side = Int(((w + context * sum) * (h + context * sum)).squareRoot())
        templateFeatures = try model.features(crop(frame, side: side, output: NanoTrackConfiguration.templateSize))
    }

    /// The `side x side` square around the truncated centre, padded with the frame's mean colour
    /// where it leaves the frame, resized to `output x output`, as a `[1, 3, output, output]`
    /// RGB tensor (0–255).
    func crop(_ frame: RGBImage, side: Int, output: Int) -> Tensor {
        let side = max(side, 1)
        let c = (side + 1) / 2
        let x0 = Int(state.cx) - c, y0 = Int(state.cy) - c
        let inside = x0 >= 0 && y0 >= 0 && x0 + side <= frame.width && y0 + side <= frame.height
        // The mean is needed only when the square leaves the frame.
        let fill = inside ? (0, 0, 0) : frame.meanColorBytes()
        return Tensor(uninitializedShape: [1, 3, output, output]) { dst in
            guard let base = dst.baseAddress else { return }
            FixedPointResize.resizeWindowPlanar(of: frame, x: x0, y: y0, width: side, height: side, fill: fill,
                                                toWidth: output, toHeight: output, into: base)
        }
    }

    /// The search crop's side and the scale from frame to crop pixels at the current state.
    func searchGeometry() -> (side: Int, scale: Float) {
        let (w, h) = (state.width, state.height)
        // OpenCV truncates the context sum to an integer here (not at initialisation).
        let sum = Float(Int(w + h)), context = NanoTrackConfiguration.contextAmount
        let size = ((w + context * sum) * (h + context * sum)).squareRoot()
        let scale = Float(NanoTrackConfiguration.templateSize) / size
        // OpenCV's `255 / 127` is an integer division: 2.
        let factor = Float(NanoTrackConfiguration.searchSize / NanoTrackConfiguration.templateSize)
        return (Int(size * factor), scale)
    }

    public func update(frame: RGBImage) throws -> (box: BoundingBox, score: Float) {
        guard let template = templateFeatures else {
            throw TrackerError("update(frame:) called before initialize(frame:box:)")
        }
        frameNumber += 1
        try TrackerInputChecks.next(frame: frame, number: frameNumber, firstSize: frameSize)
        var clock = Stopwatch()
        let (side, scale) = searchGeometry()
        let crop = crop(frame, side: side, output: NanoTrackConfiguration.searchSize)
        timings[0] = clock.lap()
        let search = try model.features(crop)
        timings[1] = clock.lap()
        let (classes, distances) = try model.head(template: template, search: search)
        timings[2] = clock.lap()
        let best = locate(classes: classes, distances: distances, scale: scale)
        try move(to: best, scale: scale)
        timings[3] = clock.lap()
        return (box, best.score)
    }

    public var stageSeconds: [Double] { timings }

    /// The chosen cell: its predicted box corners in search-crop pixels, its penalty·score and
    /// its final (penalised, windowed) score.
    struct Cell {
        var index: Int
        var x1: Float, y1: Float, x2: Float, y2: Float
        var penalisedScore: Float
        var score: Float
    }

    /// Scores every cell (target probability, size and ratio penalties, window) and picks the
    /// first maximum in row-major order.
    func locate(classes: Tensor, distances: Tensor, scale: Float) -> Cell {
        let n = NanoTrackConfiguration.scoreSize, cells = n * n
        precondition(classes.shape == [1, 2, n, n] && distances.shape == [1, 4, n, n], "NanoTracker: head outputs checked at load")
        let c = configuration
        let (targetWidth, targetHeight) = (state.width * scale, state.height * scale)
        let ratio = targetWidth / targetHeight
        let reference = c.sizePenalty == .opencv ? Self.size(state.cx, state.cy) : Self.size(targetWidth, targetHeight)
        // OpenCV divides a matrix by a number by multiplying with its reciprocal, in Float32.
        let inverseReference = Float(1 / Double(reference))
        let keep = Float(1 - Double(c.windowInfluence))
        var best = Cell(index: 0, x1: 0, y1: 0, x2: 0, y2: 0, penalisedScore: 0, score: -.infinity)
        classes.withUnsafeBufferPointer { cls in
            distances.withUnsafeBufferPointer { reg in
                for i in 0..<cells {
                    let (background, target) = (cls[i], cls[cells + i])
                    let top = max(target, background)
                    let eb = expf(background - top), et = expf(target - top)
                    let probability = et / (eb + et)
                    let x1 = gridX[i] - reg[i], y1 = gridY[i] - reg[cells + i]
                    let x2 = gridX[i] + reg[2 * cells + i], y2 = gridY[i] + reg[3 * cells + i]
                    let (w, h) = (x2 - x1, y2 - y1)
                    var sc = Self.size(w, h) * inverseReference
                    sc = max(sc, 1 / sc)
                    var rc = ratio / (w / h)
                    rc = max(rc, 1 / rc)
                    let k = c.penaltyK
                    let penalty = expf(k.addingProduct(rc * sc, -k))
                    let penalised = penalty * probability
                    let score = (window[i] * c.windowInfluence).addingProduct(penalised, keep)
                    if score > best.score || (best.score == -.infinity && i == 0) {
                        best = Cell(index: i, x1: x1, y1: y1, x2: x2, y2: y2, penalisedScore: penalised, score: score)
                    }
                }
            }
        }
        return best
    }

    /// `sqrt((a + p)(b + p))` with `p = (a + b) / 2`: the side of the square with context.
    static func size(_ a: Float, _ b: Float) -> Float {
        let pad = (a + b) * 0.5
        return ((a + pad) * (b + pad)).squareRoot()
    }

    /// Moves the state to the chosen cell's box (the size only part of the way) and clips it to
    /// the frame.
    func move(to cell: Cell, scale: Float) throws {
        let half = Float(NanoTrackConfiguration.searchSize / 2)
        let dx = ((cell.x1 + cell.x2) / 2 - half) / scale
        let dy = ((cell.y1 + cell.y2) / 2 - half) / scale
        let predictedWidth = (cell.x2 - cell.x1) / scale, predictedHeight = (cell.y2 - cell.y1) / scale
        // The size goes through the crop's scale and back, as in OpenCV, where rounding can show.
        let width = state.width * scale / scale, height = state.height * scale / scale
        let rate = cell.penalisedScore * configuration.learningRate
        let x = state.cx + dx, y = state.cy + dy
        let w = predictedWidth * rate + (1 - rate) * width
        let h = predictedHeight * rate + (1 - rate) * height
        guard x.isFinite, y.isFinite, w.isFinite, h.isFinite, cell.score.isFinite else {
            throw TrackerError("frame \(frameNumber): the model's outputs are not finite numbers")
        }
        let (fw, fh) = (Float(frameSize.width), Float(frameSize.height))
        state = (max(0, min(fw, x)), max(0, min(fh, y)), max(10, min(fw, w)), max(10, min(fh, h)))
    }

    /// The current box as OpenCV's integer rectangle (truncated toward zero), OTB 1-based.
    public var box: BoundingBox {
        let (cx, cy, w, h) = state
        return BoundingBox(x: Double(Int(cx - w / 2) + 1), y: Double(Int(cy - h / 2) + 1), width: Double(Int(w)), height: Double(Int(h)))
    }
}
