import ArgumentParser
import SiamFCEngine
import SiamFCSupport
import SiamFCTracker
import SiamFCTraining

/// A trainer that `train` and `train-light` create, resume and run the same way.
protocol CommandLineTrainer: AnyObject {
    associatedtype Configuration: TrainingRunConfiguration & RunConfiguration
    associatedtype State: Codable & Sendable & RunState
    associatedtype Model
    init(configuration: Configuration) throws
    init(resuming checkpoint: TrainingCheckpoint<Configuration, State>, path: String) throws
    var configuration: Configuration { get }
    var state: State { get }
    func train(directory: String, progress: (TrainingProgress) -> Void,
               validate: ((Model) throws -> (success: Double, precision: Double))?,
               shouldStop: () -> Bool) throws -> TrainingOutcome
}

/// What the shared run reads of a trainer's configuration.
protocol RunConfiguration {
    var batchSize: Int { get }
    var stepsPerEpoch: Int { get }
}

/// What the shared run reads of a trainer's state.
protocol RunState {
    var step: Int { get }
    var elapsedSeconds: Double { get }
    var losses: [Float] { get }
    var finished: Bool { get }
}

/// The part of `train` and `train-light` around the trainer: resuming or starting, the progress
/// bar, Ctrl-C, and the closing line. The trainers' errors become one-line CLI errors.
enum TrainingRun {
    /// The trainer of the checkpoint `resume` (refused when that run is finished), or a new one.
    static func trainer<T: CommandLineTrainer>(_: T.Type, resume: String?, configuration: () throws -> T.Configuration) throws -> T {
        do {
            guard let resume else { return try T(configuration: try configuration()) }
            let checkpoint = try TrainingCheckpoint<T.Configuration, T.State>.read(path: resume)
            if checkpoint.state.finished { throw CLIError("\(resume): this run is already finished") }
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
        let (c, state) = (trainer.configuration, trainer.state)
        TrainingReport.printFinished(steps: state.step, seconds: state.elapsedSeconds, batchSize: c.batchSize,
                                     lastEpochLosses: state.losses.suffix(c.stepsPerEpoch))
    }
}

extension TrackerTrainer: CommandLineTrainer {}
extension TrackerTrainingConfiguration: RunConfiguration {}
extension TrackerTrainingState: RunState {}

extension LightTrackTrainer: CommandLineTrainer {}
extension LightTrackTrainingConfiguration: RunConfiguration {}
extension LightTrackTrainingState: RunState {}
