import SiamFCImageIO

/// A single-object tracker, as OpenCV's trackers work: ``initialize(frame:box:)`` on the first
/// frame, then ``update(frame:)`` on each following one. Boxes are OTB 1-based.
///
/// Each tracker owns its state; several can run at once, on different threads, sharing one
/// ``TrackerModel``.
public protocol Tracker: AnyObject {
    /// Starts tracking the target in `box` on `frame`.
    func initialize(frame: RGBImage, box: BoundingBox) throws

    /// Finds the target in the next frame: its box and the tracker's confidence.
    func update(frame: RGBImage) throws -> (box: BoundingBox, score: Float)

    /// Seconds spent in each stage of the last update, in the order of the model's
    /// ``TrackerModel/stages``.
    var stageSeconds: [Double] { get }
}

/// A loaded tracking model of some family: it knows its own pre-processing and settings and
/// makes trackers that share it.
public protocol TrackerModel: Sendable {
    /// Where the model came from (its file), for messages and reports.
    var source: String { get }

    /// The stages of one update, as the model's trackers time them.
    var stages: [TrackerStage] { get }

    /// Floating-point operations of the backbone network in one update (multiply-adds × 2).
    var backboneFLOPsPerUpdate: Int { get }

    /// A fingerprint of the settings that change results (scales, window, …), so that saved
    /// results made with other settings are not mixed with new ones.
    var settings: String { get }

    func makeTracker() throws -> any Tracker
}

/// One timed stage of a tracker's update.
public struct TrackerStage: Sendable, Hashable, Codable {
    /// A stable identifier (JSON keys).
    public let key: String
    /// For tables.
    public let label: String

    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}
