import Dispatch
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker

/// One sequence tracked from its first ground-truth box to its last frame.
public struct SequenceResult: Sendable, Codable, Equatable {
    public let name: String
    /// One box per frame (OTB 1-based); the first is the initial ground truth.
    public let boxes: [BoundingBox]
    public let curves: TrackingMetrics.Curves
    /// Tracking time (initialise and every update; decoding excluded).
    public let seconds: Double

    public init(name: String, boxes: [BoundingBox], curves: TrackingMetrics.Curves, seconds: Double) {
        self.name = name
        self.boxes = boxes
        self.curves = curves
        self.seconds = seconds
    }

    public var framesPerSecond: Double { seconds > 0 ? Double(boxes.count) / seconds : 0 }
}

/// One-pass evaluation (OPE): each sequence is tracked once from its first ground-truth box.
public enum OnePassEvaluation {
    /// The sequence folders under `roots` (see ``FrameSequence/discover(_:)``).
    public static func discover(_ roots: [String]) throws -> [String] {
        try FrameSequence.discover(roots)
    }

    /// Tracks one sequence. Frames past the ground truth are tracked too (their boxes are
    /// saved); only frames with ground truth are scored.
    /// `shouldStop` is asked before every frame; when it says yes the sequence is abandoned with
    /// ``EvaluationInterrupted``.
    public static func run(_ path: String, model: any TrackerModel, shouldStop: () -> Bool = { false }) throws -> SequenceResult {
        let sequence = try FrameSequence(path: path)
        guard let truth = sequence.groundTruth, let first = truth.box(at: 0) else {
            throw ImageIOError(path: path, reason: .noGroundTruth, message: "the first frame has no ground-truth box")
        }
        var boxes: [BoundingBox] = []
        var seconds = 0.0
        do {
            try TrackingLoop.run(try model.makeTracker(), frames: FrameReader(files: sequence.frames), initialBox: first,
                                 shouldStop: shouldStop) { frame, _ in
                boxes.append(frame.box)
                seconds += frame.trackSeconds
            }
        } catch is TrackingInterrupted {
            throw EvaluationInterrupted()
        }
        return SequenceResult(name: sequence.name, boxes: boxes,
                              curves: TrackingMetrics.curves(predictions: boxes, groundTruth: truth.boxes), seconds: seconds)
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
