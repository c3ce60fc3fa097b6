import ArgumentParser
import SiamFCEngine
import SiamFCSupport
import SiamFCTracker
import SiamFCTraining

/// A trainer that `train` and `train-light` create, resume and run the same way.
protocol CommandLineTrainer: AnyObject {
    associatedtype Configuration: TrainingRunConfiguration
    associatedtype State: Codable & Sendable
    associatedtype Model
    init(configuration: Configuration) throws
    init(resuming checkpoint: TrainingCheckpoint<Configuration, State>, path: String) throws
    static func readCheckpoint(path: String) throws -> TrainingCheckpoint<Configuration, State>
    static func isFinished(_ state: State) -> Bool
    var step: Int { get }
    var elapsedSeconds: Double { get }
    var batchSize: Int { get }
    var lastEpochLosses: ArraySlice<Float> { get }
    func train(directory: String, progress: (TrainingProgress) -> Void,
               validate: ((Model) throws -> (success: Double, precision: Double))?,
               shouldStop: () -> Bool) throws -> TrainingOutcome
}

/// The part of `train` and `train-light` around the trainer: resuming or starting, the progress
/// bar, Ctrl-C, and the closing line. The trainers' errors become one-line CLI errors.
enum TrainingRun {
    /// The trainer of the checkpoint `resume` (refused when that run is finished), or a new one.
    static func trainer<T: CommandLineTrainer>(_: T.Type, resume: String?, configuration: () throws -> T.Configuration) throws -> T {
        do {
            guard let resume else { return try T(configuration: try configuration()) }
            let checkpoint = try T.readCheckpoint(path: resume)
            if T.isFinished(checkpoint.state) { throw CLIError("\(resume): this run is already finished") }
            return try T(resuming: checkpoint, path: resume)
        } catch let error as TrackerError {
            throw CLIError(error.message)
        }
    }

    /// Trains to the end, writing into `out`; throws the interrupted-run error on Ctrl-C, and
    /// prints the finished run's summary line.
    static func run<T: CommandLineTrainer>(_ trainer: T, out: String, quiet: Bool,
                                           validate: ((T.Model) throws -> (success: Double, precision: Double))?) throws {
        let bar = ProgressBar(quiet: quiet)
        let interrupt = InterruptFlag()
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.train(directory: out, progress: { bar.show($0, speedDecimals: 1) }, validate: validate,
                                        shouldStop: { interrupt.isRaised })
        } catch let error as TrackerError {
            throw CLIError(error.message)
        }
        bar.finish()
        if outcome == .interrupted { throw interruptedRunError(checkpoint: out + "/checkpoint.safetensors") }
        TrainingReport.printFinished(steps: trainer.step, seconds: trainer.elapsedSeconds, batchSize: trainer.batchSize,
                                     lastEpochLosses: trainer.lastEpochLosses)
    }
}

extension TrackerTrainer: CommandLineTrainer {
    static func readCheckpoint(path: String) throws -> TrackerCheckpoint { try TrackerCheckpoint.read(path: path) }
    static func isFinished(_ state: TrackerTrainingState) -> Bool { state.finished }
    var step: Int { state.step }
    var elapsedSeconds: Double { state.elapsedSeconds }
    var batchSize: Int { configuration.batchSize }
    var lastEpochLosses: ArraySlice<Float> { state.losses.suffix(configuration.stepsPerEpoch) }
}

extension LightTrackTrainer: CommandLineTrainer {
    static func readCheckpoint(path: String) throws -> LightTrackCheckpoint { try LightTrackCheckpoint.read(path: path) }
    static func isFinished(_ state: LightTrackTrainingState) -> Bool { state.finished }
    var step: Int { state.step }
    var elapsedSeconds: Double { state.elapsedSeconds }
    var batchSize: Int { configuration.batchSize }
    var lastEpochLosses: ArraySlice<Float> { state.losses.suffix(configuration.stepsPerEpoch) }
}
