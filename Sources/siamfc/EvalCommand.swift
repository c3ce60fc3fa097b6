import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport
import SiamFCVideo

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "One-pass evaluation on sequences in OTB, VOT or GOT-10k layout (or video files with ground truth); comparison of trackers; merging of shards.",
        discussion: """
            Each sequence is tracked from its first ground-truth box to its last frame. A sequence \
            is a folder of frames, or a folder holding one video file and its ground truth. A frame \
            that cannot be decoded is skipped (its box is the last one) and counted in the table's \
            skipped column and in summary.json. Metrics \
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

            --shard i/n evaluates every n-th sequence, starting at the i-th (in discovery order); \
            --shard auto takes i and n from a Slurm job array or a Kubernetes Indexed Job. \
            --merge DIR... combines the n shard outputs into the report one run would write.

            Each finished sequence is saved at once in OUT/progress/; Ctrl-C or SIGTERM stops the \
            run without writing a partial report, and the same command with --resume tracks only \
            the sequences that are left.
            """)

    @Argument(help: "Sequence folders, or folders of sequences.")
    var paths: [String] = []

    @OptionGroup var tracking: ModelOptions

    @Option(help: "Output folder.")
    var out = "runs/eval"

    @Option(help: "Name of the tracker in the summary and plots (default: the model file's name).")
    var name: String?

    @Option(help: "Sequences tracked at once (default: the number of cores). Results do not depend on it.")
    var jobs: Int?

    @Option(parsing: .upToNextOption,
            help: "Results folders to compare (siamfc eval outputs or OTB result files); with --model, the model is evaluated and included.")
    var compare: [String] = []

    @Option(help: ArgumentHelp(
        "Evaluate only shard i of n (e.g. 2/4): the sequences at positions k with k % n == i - 1.",
        discussion: "auto reads i and n from a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a "
            + "Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shard-count); see docs/scale-out.md."))
    var shard: String?

    @Option(help: "Number of shards for --shard auto in a Kubernetes Indexed Job (its completions).")
    var shardCount: Int?

    @Option(parsing: .upToNextOption, help: "Combine the outputs of these shard runs into one report in --out.")
    var merge: [String] = []

    @Flag(help: "Continue an interrupted run in --out: sequences it finished (OUT/progress) are not tracked again.")
    var resume = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard, shard != "auto", EvaluationShard(shard) == nil {
            throw ValidationError("--shard takes i/n with 1 <= i <= n, e.g. --shard 2/4, or auto (got \"\(shard)\")")
        }
        if let shardCount {
            guard shard == "auto" else { throw ValidationError("--shard-count goes with --shard auto") }
            guard shardCount >= 1 else { throw ValidationError("--shard-count must be at least 1") }
        }
        let model = tracking.model
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
        let selectedShard = try shard.map { try Self.parseShard($0, count: shardCount) }
        let discovered = paths.isEmpty ? [] : try OnePassEvaluation.discover(paths)
        let sequences = try discovered.map { try MediaSequence(path: $0) }
        if let twice = Self.firstDuplicate(sequences.map(\.name)) {
            throw CLIError("two sequence folders are named \(twice): their result files would collide")
        }
        var trackers = compared
        if tracking.model != nil || compare.isEmpty {
            let model = try tracking.load()
            let evaluation = EvaluationRun(
                sequences: discovered, shard: selectedShard, model: model, trackerName: name ?? ModelLoader.displayName(model),
                outputDirectory: out, jobs: jobs ?? Parallel.coreCount)
            let (report, results) = try track(evaluation)
            try evaluation.write(report, results: results, plots: compare.isEmpty)
            if compare.isEmpty {
                print(report.table, terminator: "")
                if let shard = report.shard {
                    print("shard \(shard): \(report.sequences.count) of \(discovered.count) sequences")
                }
                print("results, summary.json and plots: \(out)")
                return
            }
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

    /// Tracks the run's sequences with a progress bar; Ctrl-C or SIGTERM stops it with what finished saved.
    func track(_ evaluation: EvaluationRun) throws -> (EvaluationReport, [SequenceResult]) {
        let bar = ProgressBar(quiet: quiet)
        let interrupt = InterruptFlag()
        defer { bar.finish() }
        do {
            return try evaluation.track(
                resume: resume, log: { if !quiet { printError($0) } },
                progress: { path, done, total in
                    bar.update(fraction: Double(done) / Double(total),
                               "sequence \(done)/\(total): \(PathName.lastComponent(path))", force: done == total)
                },
                shouldStop: { interrupt.isRaised })
        } catch let stop as EvaluationRun.Interrupted {
            throw CLIError(stop.description)
        }
    }

    /// `i/n`, or `auto` from the job scheduler's environment.
    static func parseShard(_ text: String, count: Int?) throws -> EvaluationShard {
        if text == "auto" {
            do {
                return try EvaluationShard.fromEnvironment(ProcessInfo.processInfo.environment, count: count)
            } catch let error as EvaluationError {
                throw CLIError(error.description)
            }
        }
        guard let shard = EvaluationShard(text) else { throw ValidationError("--shard takes i/n or auto (got \"\(text)\")") }
        return shard
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
