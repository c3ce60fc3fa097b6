import Foundation
import SiamFCEngine

/// Prints a line on stderr, where everything but a command's result goes.
func printError(_ text: String) {
    writeStandardError(text + "\n")
}

extension ProgressBar {
    /// Shows a training run's progress: epoch, step, loss, speed and time left, always at the end
    /// of an epoch. `speedDecimals` is how precisely the speed is shown.
    func show(_ progress: TrainingProgress, speedDecimals: Int) {
        let p = progress
        update(fraction: p.fraction, String(
            format: "epoch %d/%d step %d/%d loss %.4f %.\(speedDecimals)f pairs/s ETA %@", p.epoch + 1, p.epochs, p.step,
            p.stepsPerEpoch, p.loss, p.pairsPerSecond, formatDuration(p.secondsRemaining)),
            force: p.endsEpoch)
    }
}

/// The failure of a run that Ctrl-C (or SIGTERM) stopped after saving `checkpoint`.
func interruptedRunError(checkpoint: String) -> CLIError {
    CLIError("interrupted: checkpoint saved to \(checkpoint); continue with --resume \(checkpoint)")
}
