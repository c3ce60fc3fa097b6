import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCImageIO
import SiamFCMNIST
import SiamFCSupport

struct MNISTTrainCommand: ParsableCommand, ConfigurationOptions {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Siamese network on MNIST pairs.",
        discussion: """
            Pairs (half of them the same digit) are drawn fresh each epoch from a seeded generator. \
            A checkpoint (weights, optimizer state, configuration) is written to OUT/checkpoint.safetensors \
            with a JSON sidecar after every epoch, and when Ctrl-C stops the run. --resume continues a \
            run to exactly the result an uninterrupted run gives.
            """)

    @OptionGroup var dataOptions: MNISTDataOptions

    @OptionGroup var runOptions: TrainingRunOptions<MNISTTrainingDefaults>

    @Option(help: "siamese (shared weights), pseudo (separate weights) or 2ch (two-channel network).")
    var arch: Architecture?

    @Option(help: "contrastive, bce or triplet.")
    var loss: PairLoss?

    @Option(help: "Embedding distance: euclidean, cosine or manhattan.")
    var distance: Distance?

    @Option(help: "Margin of the contrastive and triplet losses (default 1).")
    var margin: Float?

    @Option(help: "Embedding size (default 16; 2 is plotted directly, larger ones by principal components).")
    var embedding: Int?

    @Option(help: "Output channels of the two convolutions, e.g. 32,64.")
    var convChannels: String?

    @Option(help: "Width of the hidden fully connected layer (default 256).")
    var hidden: Int?

    @Option(help: "adam or sgd (default adam).")
    var optimizer: TrainingConfiguration.Optimizer?

    @Option(help: "Learning-rate schedule over the run: constant, cosine or exponential (default cosine, down to 1 %).")
    var schedule: TrainingConfiguration.Schedule?

    @Option(help: "SGD momentum (default 0.9).")
    var momentum: Float?

    @Option(help: "Weight decay (default 0).")
    var weightDecay: Float?

    @Option(help: "Training digits held out to choose the decision threshold (default 5000).")
    var validationDigits: Int?

    @Option(help: "Train on at most this many digits (default: all).")
    var trainLimit: Int?

    func run() throws {
        let resume = runOptions.resume, out = runOptions.output, quiet = runOptions.quiet
        let fresh = resume == nil ? try makeConfiguration() : nil
        let dataset = try MNISTDataset.locate(explicit: dataOptions.data)
        let checkpointPath = out.hasSuffix("/") ? out + "checkpoint.safetensors" : out + "/checkpoint.safetensors"
        let trainer: MNISTTrainer
        if let resume {
            try refuseConfigurationOptionsOnResume()
            let checkpoint = try MNISTCheckpoint.read(path: resume)
            if checkpoint.state.finished { throw CLIError("\(resume): this run is already finished") }
            trainer = try MNISTTrainer(resuming: checkpoint, path: resume, dataset: dataset)
        } else {
            trainer = try MNISTTrainer(configuration: fresh ?? TrainingConfiguration(), dataset: dataset)
        }
        try FileSystem.createDirectories(out)

        let c = trainer.configuration
        if !quiet {
            let from = resume.map { " from \($0), epoch \(trainer.state.epoch + 1) step \(trainer.state.step + 1)" } ?? ""
            printError("training \(c.model.architecture.rawValue) with \(c.model.loss.rawValue) loss (\(c.model.distance)) on "
                + "\(trainer.splits.train.count) digits, \(trainer.stepsPerEpoch) steps of \(c.batchSize) per epoch\(from)")
        }
        let bar = ProgressBar(quiet: quiet)
        let interrupt = InterruptFlag()
        let outcome = try trainer.train(checkpointPath: checkpointPath, progress: { bar.show($0, speedDecimals: 0) },
                                        shouldStop: { interrupt.isRaised })
        bar.finish()
        switch outcome {
        case .interrupted:
            throw interruptedRunError(checkpoint: checkpointPath)
        case .finished:
            let losses = trainer.state.losses.suffix(trainer.stepsPerEpoch)
            let pairs = Double(trainer.state.losses.count * c.batchSize)
            print(String(format: "finished %d epochs in %@ (%.0f pairs/s), last epoch's mean loss %.4f", c.epochs,
                         formatDuration(trainer.state.elapsedSeconds), pairs / max(trainer.state.elapsedSeconds, 1e-9),
                         losses.reduce(0, +) / Float(max(losses.count, 1))))
            print("model: \(checkpointPath) (evaluate with: siamfc mnist eval --model \(checkpointPath))")
        }
    }

    func makeConfiguration() throws -> TrainingConfiguration {
        var c = TrainingConfiguration()
        if let arch { c.model.architecture = arch }
        if let loss { c.model.loss = loss } else if arch == .twoChannel { c.model.loss = .bce }
        if let distance { c.model.distance = distance.rawValue }
        if let margin { c.model.margin = margin }
        if let embedding { c.model.embeddingSize = embedding }
        if let convChannels {
            let values = convChannels.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 2 else { throw ValidationError("--conv-channels takes two numbers, e.g. 32,64") }
            c.model.channels = values
        }
        if let hidden { c.model.hidden = hidden }
        runOptions.settings.apply(to: &c)
        if let optimizer { c.optimizer = optimizer }
        if let schedule { c.schedule = schedule }
        if let momentum { c.momentum = momentum }
        if let weightDecay { c.weightDecay = weightDecay }
        if let validationDigits { c.validationDigits = validationDigits }
        if let trainLimit { c.trainLimit = trainLimit }
        do {
            try c.validate()
        } catch let error as MNISTError {
            throw ValidationError(error.message)
        }
        return c
    }
}

/// `siamfc mnist train`'s defaults, as its help gives them.
enum MNISTTrainingDefaults: TrainingRunDefaults {
    static let outHelp: ArgumentHelp = "Output folder for checkpoints. (default: runs/mnist)"
    static let epochsHelp: ArgumentHelp = "Epochs (default 10)."
    static let pairsPerEpochHelp: ArgumentHelp = "Pairs drawn per epoch (default: as many as training digits)."
    static let batchSizeHelp: ArgumentHelp = "Pairs per batch (default 128)."
    static let lrHelp: ArgumentHelp = "Learning rate (default 1e-3)."

    /// Unlike `siamfc train`, a resumed run also writes to `runs/mnist` unless told otherwise.
    static func defaultOutput(resume: String?) -> String { "runs/mnist" }
}

extension TrainingConfiguration: TrainingRunSettable {
    static var learningRateSetting: WritableKeyPath<Self, Float> { \.learningRate }
}

extension Architecture: ExpressibleByArgument {}
extension PairLoss: ExpressibleByArgument {}
extension Distance: ExpressibleByArgument {}
extension TrainingConfiguration.Optimizer: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}
