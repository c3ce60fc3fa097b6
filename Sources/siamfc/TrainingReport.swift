import Foundation
import SiamFCEvaluation
import SiamFCSupport
import SiamFCTracker

/// What `train` and `train-light` print about a run: the same lines for both trainers.
enum TrainingReport {
    /// The validation after each epoch: a one-pass evaluation of the epoch's model on `sequences`,
    /// printed unless `quiet`; gives the mean success AUC and precision@20.
    static func validate(_ model: any TrackerModel, on sequences: [String], quiet: Bool) throws -> (success: Double, precision: Double) {
        let results = try OnePassEvaluation.run(sequences, model: model, jobs: Parallel.coreCount)
        let curves = TrackingMetrics.average(results.map(\.curves))
        if !quiet {
            printError(String(format: "%@: validation AUC %.3f, precision@20 %.3f on %d sequences", model.source,
                              curves.successScore, curves.precisionScore, results.count))
        }
        return (curves.successScore, curves.precisionScore)
    }

    /// The summary line of a finished run: steps, time, pairs/s and the last epoch's mean loss.
    static func printFinished(steps: Int, seconds: Double, batchSize: Int, lastEpochLosses: ArraySlice<Float>) {
        print(String(format: "finished %d steps in %@ (%.1f pairs/s), last epoch's mean loss %.4f", steps,
                     formatDuration(seconds), Double(steps * batchSize) / max(seconds, 1e-9),
                     lastEpochLosses.reduce(0, +) / Float(max(lastEpochLosses.count, 1))))
    }
}
