import Dispatch
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

/// One sequence tracked from its first ground-truth box to its last frame.
public struct SequenceResult: Sendable, Codable, Equatable {
    public let name: String
    /// One box per frame (OTB 1-based); the first is the initial ground truth.
    public let boxes: [BoundingBox]
    public let curves: TrackingMetrics.Curves
    /// Tracking time (initialise and every update; decoding excluded).
    public let seconds: Double
    /// Frames that could not be decoded: each keeps the box before it.
    public let skippedFrames: Int

    public init(name: String, boxes: [BoundingBox], curves: TrackingMetrics.Curves, seconds: Double, skippedFrames: Int = 0) {
        self.name = name
        self.boxes = boxes
        self.curves = curves
        self.seconds = seconds
        self.skippedFrames = skippedFrames
    }

    private enum CodingKeys: String, CodingKey { case name, boxes, curves, seconds, skippedFrames }

    /// Results saved before skipped frames were counted read as having none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), boxes: try c.decode([BoundingBox].self, forKey: .boxes),
                  curves: try c.decode(TrackingMetrics.Curves.self, forKey: .curves), seconds: try c.decode(Double.self, forKey: .seconds),
                  skippedFrames: try c.decodeIfPresent(Int.self, forKey: .skippedFrames) ?? 0)
    }

    public var framesPerSecond: Double { seconds > 0 ? Double(boxes.count) / seconds : 0 }
}

/// One-pass evaluation (OPE): each sequence is tracked once from its first ground-truth box.
public enum OnePassEvaluation {
    /// The sequence folders under `roots` (see ``FrameSequence/discover(_:)``).
    public static func discover(_ roots: [String]) throws -> [String] {
        try FrameSequence.discover(roots)
    }

    /// Tracks one sequence: a folder of images, or a folder holding one video file and its
    /// ground truth. Frames past the ground truth are tracked too (their boxes are saved); only
    /// frames with ground truth are scored. A frame that cannot be decoded is skipped, keeping
    /// the last box, and counted (as `siamfc track` does).
    /// `shouldStop` is asked before every frame; when it says yes the sequence is abandoned with
    /// ``EvaluationInterrupted``.
    public static func run(_ path: String, model: any TrackerModel, shouldStop: () -> Bool = { false }) throws -> SequenceResult {
        let sequence = try MediaSequence(path: path)
        guard let truth = sequence.groundTruth, let first = truth.box(at: 0) else {
            throw ImageIOError(path: path, reason: .noGroundTruth, message: "the first frame has no ground-truth box")
        }
        var boxes: [BoundingBox] = []
        var seconds = 0.0
        var skipped = 0
        do {
            try TrackingLoop.run(try model.makeTracker(), frames: try sequence.frames(), initialBox: first,
                                 shouldStop: shouldStop) { frame, _ in
                boxes.append(frame.box)
                seconds += frame.trackSeconds
                if frame.status == .skipped { skipped += 1 }
            }
        } catch is TrackingInterrupted {
            throw EvaluationInterrupted()
        }
        // A folder's frames are counted when it is opened; a video's only now.
        if truth.lineCount > boxes.count {
            throw ImageIOError(path: truth.path, reason: .groundTruthLongerThanSequence,
                               message: "\(truth.lineCount) ground-truth lines for \(boxes.count) frames")
        }
        return SequenceResult(name: sequence.name, boxes: boxes,
                              curves: TrackingMetrics.curves(predictions: boxes, groundTruth: truth.boxes), seconds: seconds,
                              skippedFrames: skipped)
    }

    /// Tracks every sequence, `jobs` at a time. Results come back in the order of `paths` and do
    /// not depend on `jobs`: each sequence has its own tracker, and the engine's arithmetic does
    /// not depend on what else runs. `finished` receives each result as soon as it is known (to
    /// save it, so that an interrupted run can resume); once `shouldStop` says yes, no sequence
    /// starts, running ones are abandoned, and the call throws ``EvaluationInterrupted``.
    public static func run(_ paths: [String], model: any TrackerModel, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void = { _ in },
                           finished: @escaping @Sendable (SequenceResult) throws -> Void = { _ in },
                           shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> [SequenceResult] {
        let results = ResultList(count: paths.count)
        let lanes = max(1, min(jobs, paths.count))
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            while !shouldStop(), let i = next.take(below: paths.count) {
                let outcome = Result {
                    let result = try run(paths[i], model: model, shouldStop: shouldStop)
                    try finished(result)
                    return result
                }
                results.set(i, outcome)
                progress(paths[i])
            }
        }
        if shouldStop() { throw EvaluationInterrupted() }
        return try results.all()
    }
}

/// Thrown when an evaluation stops on request before every sequence is done.
public struct EvaluationInterrupted: Error, Sendable {}

/// Hands out indices to concurrent workers.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = Lock()
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// Results written by concurrent workers, each to its own slot.
private final class ResultList: @unchecked Sendable {
    private var slots: [Result<SequenceResult, Error>?]
    private let lock = Lock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ result: Result<SequenceResult, Error>) { lock.withLock { slots[i] = result } }
    /// Every result in order, or the first sequence's error.
    func all() throws -> [SequenceResult] {
        try lock.withLock {
            try slots.map { slot in
                // Only called when no stop was asked for, so every worker ran to the end.
                guard let slot else { preconditionFailure("OnePassEvaluation: a sequence was not run") }
                return try slot.get()
            }
        }
    }
}
