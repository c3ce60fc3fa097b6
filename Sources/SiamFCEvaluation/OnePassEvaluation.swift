import Dispatch
import SiamFCImageIO
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
    public static func run(_ path: String, model: SiamFCModel, config: TrackerConfiguration,
                           shouldStop: () -> Bool = { false }) throws -> SequenceResult {
        let sequence = try FrameSequence(path: path)
        guard let truth = sequence.groundTruth, let first = truth.box(at: 0) else {
            throw ImageIOError(path: path, reason: .noGroundTruth, message: "the first frame has no ground-truth box")
        }
        let tracker = try SiamFCTracker(model: model, config: config)
        let reader = FrameReader(files: sequence.frames)
        var boxes: [BoundingBox] = []
        var seconds = 0.0
        while let (file, frame) = try reader.next() {
            if shouldStop() { throw EvaluationInterrupted() }
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                if boxes.isEmpty {
                    try tracker.initialize(frame: frame, box: first)
                    boxes.append(first)
                } else {
                    boxes.append(try tracker.update(frame: frame).box)
                }
            } catch let error as TrackerError {
                throw ImageIOError(path: file, reason: .corrupt, message: error.message)
            }
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return SequenceResult(name: sequence.name, boxes: boxes,
                              curves: TrackingMetrics.curves(predictions: boxes, groundTruth: truth.boxes), seconds: seconds)
    }

    /// Tracks every sequence, `jobs` at a time. Results come back in the order of `paths` and do
    /// not depend on `jobs`: each sequence has its own tracker, and the engine's arithmetic does
    /// not depend on what else runs. `finished` receives each result as soon as it is known (to
    /// save it, so that an interrupted run can resume); once `shouldStop` says yes, no sequence
    /// starts, running ones are abandoned, and the call throws ``EvaluationInterrupted``.
    public static func run(_ paths: [String], model: SiamFCModel, config: TrackerConfiguration, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void = { _ in },
                           finished: @escaping @Sendable (SequenceResult) throws -> Void = { _ in },
                           shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> [SequenceResult] {
        let results = ResultList(count: paths.count)
        let lanes = max(1, min(jobs, paths.count))
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            while !shouldStop(), let i = next.take(below: paths.count) {
                let outcome = Result {
                    let result = try run(paths[i], model: model, config: config, shouldStop: shouldStop)
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
    private let lock = DispatchQueue(label: "siamfc.evaluation.counter")
    func take(below limit: Int) -> Int? {
        lock.sync {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// Results written by concurrent workers, each to its own slot.
private final class ResultList: @unchecked Sendable {
    private var slots: [Result<SequenceResult, Error>?]
    private let lock = DispatchQueue(label: "siamfc.evaluation.results")
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ result: Result<SequenceResult, Error>) { lock.sync { slots[i] = result } }
    /// Every result in order, or the first sequence's error.
    func all() throws -> [SequenceResult] {
        try lock.sync {
            try slots.map { slot in
                guard let slot else { throw ImageIOError(path: "", reason: .readFailed, message: "a sequence was not run") }
                return try slot.get()
            }
        }
    }
}
