import SiamFCImageIO
import SiamFCSupport

/// What happened on one frame of a tracking run.
public struct TrackedFrame: Sendable, Equatable {
    /// How a row's box came about.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The first frame: the box is the one given, not tracked.
        case initial
        /// The tracker updated on the frame.
        case tracked
        /// The frame decoded with errors the decoder recovered from (corrupt data skipped or
        /// concealed), and the tracker updated on it.
        case damaged
        /// The frame could not be decoded, or had another size than the first: the tracker
        /// kept its last box.
        case skipped
    }

    /// Position in the source, from 0.
    public let index: Int
    /// The frame's file, or the video that holds it, as the source names it.
    public let name: String
    /// Presentation time in seconds (videos); nil for image files.
    public let time: Double?
    /// OTB 1-based; on the first frame, the initial box; on a skipped frame, the last box.
    public let box: BoundingBox
    /// The tracker's confidence; nil on the first frame and on skipped ones.
    public let score: Float?
    public let status: Status
    /// Why the frame was skipped or marked damaged, naming it; nil otherwise.
    public let problem: String?
    /// Time spent waiting for the frame from its source (decoding, unless it was read ahead).
    public let decodeSeconds: Double
    /// Time spent in `initialize` or `update`.
    public let trackSeconds: Double
    /// The tracker's stage times (see ``Tracker/stageSeconds``); empty on the first frame and
    /// on skipped ones.
    public let stageSeconds: [Double]

    public init(index: Int, name: String, time: Double? = nil, box: BoundingBox, score: Float?, status: Status? = nil,
                problem: String? = nil, decodeSeconds: Double, trackSeconds: Double, stageSeconds: [Double]) {
        self.index = index
        self.name = name
        self.time = time
        self.box = box
        self.score = score
        self.status = status ?? (score == nil ? .initial : .tracked)
        self.problem = problem
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
    /// `onFrame`.
    ///
    /// A frame the source cannot decode (``UnreadableFrame``), or one of another size than the
    /// first, is skipped: its row keeps the last box with status `skipped` and the image handed
    /// over is the last one read; with `strict` the run stops there instead, with that error. The
    /// first frame cannot be skipped: nothing would be known to track. `limit` ends the run
    /// after that many frames. `shouldStop` is asked before each frame; when it says yes the run
    /// ends with ``TrackingInterrupted``. A tracker's error is rethrown as a ``TrackerError``
    /// that names the frame; any other error from the source as it is.
    public static func run(
        _ tracker: any Tracker, frames: any FrameSource, initialBox: BoundingBox, strict: Bool = false, limit: Int? = nil,
        shouldStop: () -> Bool = { false },
        onFrame: (TrackedFrame, RGBImage) throws -> Void
    ) throws {
        var done = 0
        var last: (box: BoundingBox, image: RGBImage)?
        while limit.map({ done < $0 }) ?? true {
            if shouldStop() { throw TrackingInterrupted(framesDone: done) }
            var clock = Stopwatch()
            let frame: Frame
            do {
                guard let next = try frames.next() else { return }
                frame = next
            } catch let unreadable as UnreadableFrame {
                guard let last, !strict else { throw unreadable }
                let row = TrackedFrame(
                    index: unreadable.index, name: unreadable.name, time: unreadable.time, box: last.box, score: nil,
                    status: .skipped, problem: unreadable.description, decodeSeconds: clock.lap(), trackSeconds: 0,
                    stageSeconds: [])
                done += 1
                try onFrame(row, last.image)
                continue
            }
            let decodeSeconds = clock.lap()
            if let last, frame.image.width != last.image.width || frame.image.height != last.image.height {
                let problem = "\(frame.label): frame \(frame.index + 1) is \(frame.image.width)x\(frame.image.height), "
                    + "the first frame was \(last.image.width)x\(last.image.height)"
                if strict { throw TrackerError(problem) }
                let row = TrackedFrame(index: frame.index, name: frame.name, time: frame.time, box: last.box, score: nil,
                                       status: .skipped, problem: problem, decodeSeconds: decodeSeconds, trackSeconds: 0,
                                       stageSeconds: [])
                done += 1
                try onFrame(row, last.image)
                continue
            }
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
                throw TrackerError("\(frame.label): \(error.message)")
            }
            let trackSeconds = clock.lap()
            let status: TrackedFrame.Status = done == 0 ? .initial : frame.warning == nil ? .tracked : .damaged
            let result = TrackedFrame(
                index: frame.index, name: frame.name, time: frame.time, box: box, score: score, status: status,
                problem: frame.warning.map { "\(frame.label): \($0)" }, decodeSeconds: decodeSeconds,
                trackSeconds: trackSeconds, stageSeconds: done == 0 ? [] : tracker.stageSeconds)
            done += 1
            last = (box, frame.image)
            try onFrame(result, frame.image)
        }
    }
}
