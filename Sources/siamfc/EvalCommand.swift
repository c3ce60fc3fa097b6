import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "One-pass evaluation on sequences in OTB, VOT or GOT-10k layout.",
        discussion: """
            Each sequence is tracked from its first ground-truth box to its last frame. Metrics \
            follow the GOT-10k toolkit: success AUC over IoU thresholds 0, 0.05, ..., 1, precision \
            at 20 px (centres at x + (w-1)/2), normalised precision (LaSOT's, area over 0 ... 0.5); \
            frames without ground truth are left out and curves are averaged over sequences. \
            Writes OUT/results/<sequence>.txt (OTB result format, 1-based x,y,w,h per frame), \
            OUT/summary.json and success and precision plots (PNG and SVG), and prints a table. \
            Its fps column is each sequence's tracking speed while it shares the cores with the \
            other jobs; measure speed with --jobs 1.
            """)

    @Argument(help: "Sequence folders, or folders of sequences.")
    var paths: [String]

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

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard scales == 3 || scales == 5 else { throw ValidationError("--scales must be 3 or 5") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let sequences = try OnePassEvaluation.discover(paths)
        let (tracking, modelPath) = try BundledModel.load(model)
        let bar = ProgressBar(quiet: quiet)
        let done = ProgressCounter(total: sequences.count, bar: bar)
        let results = try OnePassEvaluation.run(
            sequences, model: tracking, config: scales == 5 ? .fiveScale : .threeScale,
            jobs: jobs ?? Parallel.coreCount, progress: { done.advance($0) })
        bar.finish()
        let trackerName = name ?? PathNameDisplay.lastComponent(modelPath).replacingOccurrences(of: ".safetensors", with: "")
        let report = EvaluationReport(tracker: trackerName, results: results)
        try EvaluationReport.write(results, report: report, to: out)
        print(report.table, terminator: "")
        print("results, summary.json and plots: \(out)")
    }
}

/// Counts finished sequences for the progress bar, from concurrent workers.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLockLite()
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
