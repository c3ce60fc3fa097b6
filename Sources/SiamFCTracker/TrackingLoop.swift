import SiamFCImageIO
import SiamFCSupport

/// What happened on one frame of a tracking run.
public struct TrackedFrame: Sendable, Equatable {
    /// Position in the source, from 0.
    public let index: Int
    /// The frame's file, as the source names it.
    public let name: String
    /// OTB 1-based; on the first frame, the initial box.
    public let box: BoundingBox
    /// The tracker's confidence; nil on the first frame.
    public let score: Float?
    /// Time spent waiting for the frame from its source (decoding, unless it was read ahead).
    public let decodeSeconds: Double
    /// Time spent in `initialize` or `update`.
    public let trackSeconds: Double
    /// The tracker's stage times (see ``Tracker/stageSeconds``); empty on the first frame.
    public let stageSeconds: [Double]

    public init(index: Int, name: String, box: BoundingBox, score: Float?, decodeSeconds: Double, trackSeconds: Double,
                stageSeconds: [Double]) {
        self.index = index
        self.name = name
        self.box = box
        self.score = score
        self.decodeSeconds = decodeSeconds
        self.trackSeconds = trackSeconds
        self.stageSeconds = stageSeconds
    }
}

/// Thrown when a tracking run stops on request before its last frame.
public struct TrackingInterrupted: Error, Sendable, Equatable, CustomStringConvertible {
    /// Frames tracked before the stop.
    public let framesDone: Int

    public init(framesDone: Int) {
        self.framesDone = framesDone
    }

    public var description: String { "interrupted after \(framesDone) frames" }
}

/// The one tracking loop: `track`, `eval`, `bench` and the benchmarks all run trackers through it.
public enum TrackingLoop {
    /// Initialises `tracker` with `initialBox` on the first frame of `frames` and updates it on
    /// each following one, handing every frame's result (and its image, for drawing) to
    /// `onFrame`. `shouldStop` is asked before each frame; when it says yes the run ends with
    /// ``TrackingInterrupted``. A tracker's error is rethrown as a ``TrackerError`` that names
    /// the frame; a source's error (a frame that cannot be decoded) as it is.
    public static func run(
        _ tracker: any Tracker, frames: any FrameSource, initialBox: BoundingBox,
        shouldStop: () -> Bool = { false },
        onFrame: (TrackedFrame, RGBImage) throws -> Void
    ) throws {
        var done = 0
        while true {
            if shouldStop() { throw TrackingInterrupted(framesDone: done) }
            var clock = Stopwatch()
            guard let frame = try frames.next() else { return }
            let decodeSeconds = clock.lap()
            let box: BoundingBox
            let score: Float?
            do {
                if done == 0 {
                    try tracker.initialize(frame: frame.image, box: initialBox)
                    (box, score) = (initialBox, nil)
                } else {
                    (box, score) = try tracker.update(frame: frame.image)
                }
            } catch let error as TrackerError {
                throw TrackerError("\(frame.name): \(error.message)")
            }
            let trackSeconds = clock.lap()
            let result = TrackedFrame(index: frame.index, name: frame.name, box: box, score: score, decodeSeconds: decodeSeconds,
                                      trackSeconds: trackSeconds, stageSeconds: done == 0 ? [] : tracker.stageSeconds)
            done += 1
            try onFrame(result, frame.image)
        }
    }
}
