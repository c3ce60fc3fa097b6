import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

/// One `siamfc eval` run of a model: the sequences of a shard (all of them without one), saved
/// as each finishes so that an interrupted run resumes, then the report and its files.
public struct EvaluationRun {
    /// Every discovered sequence folder, in discovery order (shards are taken from this list).
    public let sequences: [String]
    public let shard: EvaluationShard?
    public let model: any TrackerModel
    /// The tracker's name in the summary and plots.
    public let trackerName: String
    public let outputDirectory: String
    /// Sequences tracked at once; results do not depend on it.
    public let jobs: Int

    public init(sequences: [String], shard: EvaluationShard? = nil, model: any TrackerModel, trackerName: String,
                outputDirectory: String, jobs: Int = Parallel.coreCount) {
        self.sequences = sequences
        self.shard = shard
        self.model = model
        self.trackerName = trackerName
        self.outputDirectory = outputDirectory
        self.jobs = jobs
    }

    /// The sequences this run tracks.
    public var selected: [String] { shard?.select(sequences) ?? sequences }

    /// Where finished sequences are kept until the report is written.
    public var progressStore: EvaluationProgress {
        EvaluationProgress(outputDirectory: outputDirectory, model: model.source, settings: model.settings)
    }

    /// Thrown when the run stops on request; what finished is saved.
    public struct Interrupted: Error, Sendable, CustomStringConvertible {
        public let finished: Int
        public let total: Int
        public let directory: String

        public var description: String {
            "interrupted: \(finished) of \(total) sequences finished (saved in \(directory)); "
                + "continue with the same command and --resume"
        }
    }

    /// Tracks the selected sequences and returns the report and every sequence's result, in
    /// order. With `resume`, sequences saved by an earlier run of the same model and settings
    /// are loaded instead of tracked (`log` is told how many); without it, saved ones are
    /// discarded first. `progress` is called as each sequence ends; once `shouldStop` says yes
    /// the run stops and throws ``Interrupted``.
    public func track(resume: Bool, log: (String) -> Void = { _ in },
                      progress: @escaping @Sendable (_ path: String, _ done: Int, _ total: Int) -> Void = { _, _, _ in },
                      shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> (EvaluationReport, [SequenceResult]) {
        let store = progressStore
        let selected = self.selected
        var saved: [String: SequenceResult] = [:]
        if resume {
            for path in selected {
                if let result = try store.load(try MediaSequence(path: path)) { saved[path] = result }
            }
            log("resuming: \(saved.count) of \(selected.count) sequences already finished")
        } else {
            store.clear()
        }
        let remaining = selected.filter { saved[$0] == nil }
        let counter = DoneCounter()
        let fresh: [SequenceResult]
        do {
            fresh = try OnePassEvaluation.run(
                remaining, model: model, jobs: jobs,
                progress: { path in progress(path, counter.increment(), remaining.count) },
                finished: { try store.save($0) }, shouldStop: shouldStop)
        } catch is EvaluationInterrupted {
            let finished = try selected.filter { try store.load(try MediaSequence(path: $0)) != nil }.count
            throw Interrupted(finished: finished, total: selected.count, directory: store.directory)
        }
        precondition(fresh.count == remaining.count, "EvaluationRun: \(fresh.count) results for \(remaining.count) sequences")
        var freshResults = fresh.makeIterator()
        let results = selected.map { path -> SequenceResult in
            if let result = saved[path] { return result }
            guard let result = freshResults.next() else { preconditionFailure("EvaluationRun: results out of step") }
            return result
        }
        let report = EvaluationReport(tracker: trackerName, results: results, shard: shard,
                                      discoveredSequences: shard == nil ? nil : sequences.count)
        return (report, results)
    }

    /// Writes the result files, the summary and (unless `plots` is false) the plots, then
    /// removes the saved progress, which the report now holds.
    public func write(_ report: EvaluationReport, results: [SequenceResult], plots: Bool = true) throws {
        if plots {
            try EvaluationReport.write(results, report: report, to: outputDirectory)
        } else {
            try EvaluationReport.writeResults(results, to: outputDirectory)
            try report.writeSummary(to: outputDirectory)
        }
        progressStore.clear()
    }
}

/// Counts finished sequences from concurrent workers.
private final class DoneCounter: @unchecked Sendable {
    private let lock = Lock()
    private var value = 0

    func increment() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
