/// The settings of a ``NanoTracker``: OpenCV's `TrackerNano` values by default.
///
/// The geometry (127-pixel template, 255-pixel search region, stride 16, 16x16 score map,
/// context 0.5) is the models' interface and fixed; these are the tracking choices on top of it.
public struct NanoTrackConfiguration: Sendable, Equatable, Codable {
    /// How the size penalty measures a predicted box's change of size.
    public enum SizePenalty: String, Sendable, Codable, CaseIterable {
        /// As OpenCV's `TrackerNano`: the predicted size is compared with the size computed from
        /// the target's centre *position*, a defect of its code that the default keeps so that
        /// boxes equal OpenCV's.
        case opencv
        /// The predicted size compared with the target's size scaled to the search crop, as the
        /// penalty was meant.
        case corrected
    }

    /// Weight of the cosine window against the penalised score, 0...1.
    public var windowInfluence: Float
    /// Strength of the size and aspect-ratio change penalty, ≥ 0.
    public var penaltyK: Float
    /// How fast the box size follows the prediction, 0...1 (scaled by the chosen cell's score).
    public var learningRate: Float
    public var sizePenalty: SizePenalty

    public init(windowInfluence: Float = 0.455, penaltyK: Float = 0.055, learningRate: Float = 0.37,
                sizePenalty: SizePenalty = .opencv) {
        self.windowInfluence = windowInfluence
        self.penaltyK = penaltyK
        self.learningRate = learningRate
        self.sizePenalty = sizePenalty
    }

    /// OpenCV 5.0's `TrackerNano` settings.
    public static let opencv = NanoTrackConfiguration()

    /// The settings for our light model (``LightTrackNetwork``), tuned for the bundled one on the
    /// shared sequences (MODEL.md): the size penalty as it was meant, since our model is not
    /// trained around OpenCV's defect, and a weaker window and slower size updates than
    /// NanoTrack's, which suit its less confident scores and noisier boxes.
    public static let lightTrack = NanoTrackConfiguration(windowInfluence: 0.275, penaltyK: 0.055, learningRate: 0.175,
                                                          sizePenalty: .corrected)

    /// Template (exemplar) crop side in pixels.
    public static let templateSize = 127
    /// Search crop side in pixels.
    public static let searchSize = 255
    /// Pixels of the search crop per score-map cell.
    public static let stride = 16
    /// Side of the score map: `(255 − 127) / 16 + 8`.
    public static let scoreSize = 16
    /// Context added around the target, as a fraction of `width + height`.
    public static let contextAmount: Float = 0.5

    public func validate() throws(TrackerError) {
        guard windowInfluence.isFinite, (0...1).contains(windowInfluence) else {
            throw TrackerError("window influence \(windowInfluence) must be within 0...1")
        }
        guard penaltyK.isFinite, penaltyK >= 0 else { throw TrackerError("penalty k \(penaltyK) must be at least 0") }
        guard learningRate.isFinite, (0...1).contains(learningRate) else {
            throw TrackerError("learning rate \(learningRate) must be within 0...1")
        }
    }

    /// For reports and result fingerprints.
    public var summary: String {
        "window \(windowInfluence), penalty k \(penaltyK), lr \(learningRate), size penalty \(sizePenalty.rawValue)"
    }
}
