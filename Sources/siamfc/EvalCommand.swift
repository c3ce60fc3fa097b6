import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "One-pass evaluation on sequences in OTB, VOT or GOT-10k layout; comparison of trackers; merging of shards.",
        discussion: """
            Each sequence is tracked from its first ground-truth box to its last frame. Metrics \
            follow the GOT-10k toolkit: success AUC over IoU thresholds 0, 0.05, ..., 1, precision \
            at 20 px (centres at x + (w-1)/2), normalised precision (LaSOT's, area over 0 ... 0.5); \
            frames without ground truth are left out and curves are averaged over sequences. \
            Writes OUT/results/<sequence>.txt (OTB result format, 1-based x,y,w,h per frame), \
            OUT/summary.json and success and precision plots (PNG and SVG), and prints a table. \
            Its fps column is each sequence's tracking speed while it shares the cores with the \
            other jobs; measure speed with --jobs 1.

            --compare DIR... draws several trackers in one success and one precision plot \
            (OUT/success.*, OUT/precision.*), writes OUT/comparison.json and prints a table, over \
            the sequences every tracker has results for (the others are listed as skipped). A DIR \
            is an output of siamfc eval (its stored curves are used) or a folder of another \
            tool's OTB result files, <sequence>.txt or results/<sequence>.txt, scored against the \
            ground truth of the sequence folders given. Without --model nothing is tracked; with \
            it, the model is evaluated first (OUT/results, OUT/summary.json) and compared too. \
            Give the sequence folders before --compare.

            --shard i/n evaluates every n-th sequence, starting at the i-th (in discovery order), \
            and --merge DIR... combines the n shard outputs into the report one run would write.

            Each finished sequence is saved at once in OUT/progress/; Ctrl-C or SIGTERM stops the \
            run without writing a partial report, and the same command with --resume tracks only \
            the sequences that are left.
            """)

    @Argument(help: "Sequence folders, or folders of sequences.")
    var paths: [String] = []

    @Option(help: "Tracking model (safetensors). Default: the bundled model.")
    var model: String?

    @Option(help: "3 or 5 search scales.")
    var scales = 3

    @Option(help: "Output folder.")
    var out = "runs/eval"

    @Option(help: "Name of the tracker in the summary and plots (default: the model file's name).")
    var name: String?

    @Option(help: "Sequences tracked at once (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Option(parsing: .upToNextOption,
            help: "Results folders to compare (siamfc eval outputs or OTB result files); with --model, the model is evaluated and included.")
    var compare: [String] = []

    @Option(help: "Evaluate only shard i of n (e.g. 2/4): the sequences at positions k with k % n == i - 1.")
    var shard: String?

    @Option(parsing: .upToNextOption, help: "Combine the outputs of these shard runs into one report in --out.")
    var merge: [String] = []

    @Flag(help: "Continue an interrupted run in --out: sequences it finished (OUT/progress) are not tracked again.")
    var resume = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard scales == 3 || scales == 5 else { throw ValidationError("--scales must be 3 or 5") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard, EvaluationShard(shard) == nil {
            throw ValidationError("--shard takes i/n with 1 <= i <= n, e.g. --shard 2/4 (got \"\(shard)\")")
        }
        if !merge.isEmpty {
            guard paths.isEmpty, model == nil, compare.isEmpty, shard == nil, name == nil, !resume else {
                throw ValidationError("--merge takes only the shard output folders and --out")
            }
            let target = Self.normalized(out)
            if merge.contains(where: { Self.normalized($0) == target }) {
                throw ValidationError("--out must not be one of the --merge folders")
            }
            return
        }
        if !compare.isEmpty {
            if shard != nil { throw ValidationError("--shard cannot be combined with --compare: merge the shards, then compare") }
            if model == nil, name != nil { throw ValidationError("--name names the evaluated model: use it with --model") }
            if model != nil, paths.isEmpty { throw ValidationError("--model needs the sequence folders to evaluate it on") }
            return
        }
        if paths.isEmpty { throw ValidationError("give the sequence folders (or --compare DIR..., or --merge DIR...)") }
    }

    func run() throws {
        if !merge.isEmpty { return try runMerge() }
        // Read everything the comparison needs before the long tracking run, so a bad folder fails at once.
        let compared = try compare.map { try TrackerResults(directory: $0) }
        let discovered = paths.isEmpty ? [] : try OnePassEvaluation.discover(paths)
        let sequences = try discovered.map { try FrameSequence(path: $0) }
        if let twice = Self.firstDuplicate(sequences.map(\.name)) {
            throw CLIError("two sequence folders are named \(twice): their result files would collide")
        }
        var trackers = compared
        if model != nil || compare.isEmpty {
            let (report, results) = try evaluate(discovered)
            if compare.isEmpty {
                try EvaluationReport.write(results, report: report, to: out)
                print(report.table, terminator: "")
                if let shard = report.shard {
                    print("shard \(shard): \(report.sequences.count) of \(discovered.count) sequences")
                }
                print("results, summary.json and plots: \(out)")
                EvaluationProgress(outputDirectory: out, model: "", scales: scales).clear()
                return
            }
            try EvaluationReport.writeResults(results, to: out)
            try report.writeSummary(to: out)
            EvaluationProgress(outputDirectory: out, model: "", scales: scales).clear()
            print(report.table)
            trackers.insert(TrackerResults(name: report.tracker, directory: out, summary: report), at: 0)
        }
        let comparison = try TrackerComparison.compare(
            trackers, sequences: paths.isEmpty ? nil : sequences.map { ($0.name, $0.groundTruth) })
        try comparison.write(to: out)
        print(comparison.table, terminator: "")
        print("compared over \(comparison.sequences.count) sequences: \(comparison.sequences.joined(separator: ", "))")
        if !comparison.skipped.isEmpty {
            let notes = comparison.skipped.map { "\($0.name) (no results from \($0.missingFrom.joined(separator: ", ")))" }
            print("skipped \(comparison.skipped.count): \(notes.joined(separator: ", "))")
        }
        print("plots and comparison.json: \(out)")
    }

    /// Tracks the sequences of this shard (all of them without --shard).
    func evaluate(_ discovered: [String]) throws -> (EvaluationReport, [SequenceResult]) {
        let selectedShard = shard.flatMap { EvaluationShard($0) }
        let selected = selectedShard?.select(discovered) ?? discovered
        let (tracking, modelPath) = try BundledModel.load(model)
        let store = EvaluationProgress(outputDirectory: out, model: modelPath, scales: scales)
        var saved: [String: SequenceResult] = [:]
        if resume {
            for path in selected {
                if let result = try store.load(try FrameSequence(path: path)) { saved[path] = result }
            }
        } else {
            store.clear()
        }
        let remaining = selected.filter { saved[$0] == nil }
        if resume && !quiet {
            printError("resuming: \(saved.count) of \(selected.count) sequences already finished")
        }
        let bar = ProgressBar(quiet: quiet)
        let done = ProgressCounter(total: remaining.count, bar: bar)
        let interrupt = InterruptFlag()
        let fresh: [SequenceResult]
        do {
            fresh = try OnePassEvaluation.run(
                remaining, model: tracking, config: scales == 5 ? .fiveScale : .threeScale,
                jobs: jobs ?? Parallel.coreCount, progress: { done.advance($0) }, finished: { try store.save($0) },
                shouldStop: { interrupt.isRaised })
        } catch is EvaluationInterrupted {
            bar.finish()
            let finished = try selected.filter { try store.load(try FrameSequence(path: $0)) != nil }.count
            throw CLIError("interrupted: \(finished) of \(selected.count) sequences finished (saved in \(store.directory)); "
                + "continue with the same command and --resume")
        }
        bar.finish()
        var freshResults = fresh.makeIterator()
        let results = try selected.map { path in
            if let result = saved[path] { return result }
            guard let result = freshResults.next() else { throw CLIError("\(path): the sequence was not tracked") }
            return result
        }
        let trackerName = name ?? PathNameDisplay.lastComponent(modelPath).replacingOccurrences(of: ".safetensors", with: "")
        let report = EvaluationReport(tracker: trackerName, results: results, shard: selectedShard,
                                      discoveredSequences: selectedShard == nil ? nil : discovered.count)
        return (report, results)
    }

    func runMerge() throws {
        let merged = try EvaluationMerge.merge(merge)
        try EvaluationMerge.write(merged, to: out)
        print(merged.report.table, terminator: "")
        print("merged \(merge.count) outputs, \(merged.report.sequences.count) sequences: results, summary.json and plots: \(out)")
    }

    static func normalized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}

/// Counts finished sequences for the progress bar, from concurrent workers.
final class ProgressCounter: @unchecked Sendable {
    private let lock = Lock()
    private var finished = 0
    private let total: Int
    private let bar: ProgressBar

    init(total: Int, bar: ProgressBar) {
        self.total = total
        self.bar = bar
    }

    func advance(_ path: String) {
        lock.withLock {
            finished += 1
            bar.update(fraction: Double(finished) / Double(total),
                       "sequence \(finished)/\(total): \(PathNameDisplay.lastComponent(path))", force: finished == total)
        }
    }
}
