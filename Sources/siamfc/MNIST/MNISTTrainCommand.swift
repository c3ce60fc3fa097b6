import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCImageIO
import SiamFCMNIST
import SiamFCSupport

struct MNISTTrainCommand: ParsableCommand {
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

    @Option(help: "Output folder for checkpoints.")
    var out = "runs/mnist"

    @Option(name: .customLong("resume"), help: "Continue the run saved in this checkpoint.")
    var resume: String?

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

    @Option(help: "Epochs (default 10).")
    var epochs: Int?

    @Option(help: "Pairs per batch (default 128).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Learning rate (default 1e-3).")
    var learningRate: Float?

    @Option(help: "adam or sgd (default adam).")
    var optimizer: TrainingConfiguration.Optimizer?

    @Option(help: "Learning-rate schedule over the run: constant, cosine or exponential (default cosine, down to 1 %).")
    var schedule: TrainingConfiguration.Schedule?

    @Option(help: "SGD momentum (default 0.9).")
    var momentum: Float?

    @Option(help: "Weight decay (default 0).")
    var weightDecay: Float?

    @Option(help: "Random seed (default 1).")
    var seed: UInt64?

    @Option(help: "Pairs drawn per epoch (default: as many as training digits).")
    var pairsPerEpoch: Int?

    @Option(help: "Training digits held out to choose the decision threshold (default 5000).")
    var validationDigits: Int?

    @Option(help: "Train on at most this many digits (default: all).")
    var trainLimit: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let fresh = resume == nil ? try makeConfiguration() : nil
        let dataset = try MNISTDataset.locate(explicit: dataOptions.data)
        let checkpointPath = out.hasSuffix("/") ? out + "checkpoint.safetensors" : out + "/checkpoint.safetensors"
        let trainer: MNISTTrainer
        if let resume {
            let changed = changedOptions()
            guard changed.isEmpty else {
                throw ValidationError("--resume continues the saved configuration; drop \(changed.joined(separator: ", "))")
            }
            let checkpoint = try Checkpoint.read(path: resume)
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
        let outcome = try trainer.train(checkpointPath: checkpointPath, progress: { p in
            let fraction = (Double(p.epoch) + Double(p.step) / Double(p.stepsPerEpoch)) / Double(p.epochs)
            bar.update(fraction: fraction, String(
                format: "epoch %d/%d step %d/%d loss %.4f %.0f pairs/s ETA %@", p.epoch + 1, p.epochs, p.step,
                p.stepsPerEpoch, p.loss, p.pairsPerSecond, formatDuration(p.secondsRemaining)),
                force: p.step == p.stepsPerEpoch)
        }, shouldStop: { interrupt.isRaised })
        bar.finish()
        switch outcome {
        case .interrupted:
            throw CLIError("interrupted: checkpoint saved to \(checkpointPath); continue with --resume \(checkpointPath)")
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
        if let epochs { c.epochs = epochs }
        if let batchSize { c.batchSize = batchSize }
        if let learningRate { c.learningRate = learningRate }
        if let optimizer { c.optimizer = optimizer }
        if let schedule { c.schedule = schedule }
        if let momentum { c.momentum = momentum }
        if let weightDecay { c.weightDecay = weightDecay }
        if let seed { c.seed = seed }
        if let pairsPerEpoch { c.pairsPerEpoch = pairsPerEpoch }
        if let validationDigits { c.validationDigits = validationDigits }
        if let trainLimit { c.trainLimit = trainLimit }
        do {
            try c.validate()
        } catch let error as MNISTError {
            throw ValidationError(error.message)
        }
        return c
    }

    func changedOptions() -> [String] {
        let options: [(String, Bool)] = [
            ("--arch", arch != nil), ("--loss", loss != nil), ("--distance", distance != nil), ("--margin", margin != nil),
            ("--embedding", embedding != nil), ("--conv-channels", convChannels != nil), ("--hidden", hidden != nil),
            ("--epochs", epochs != nil), ("--batch-size", batchSize != nil), ("--lr", learningRate != nil),
            ("--optimizer", optimizer != nil), ("--schedule", schedule != nil), ("--momentum", momentum != nil), ("--weight-decay", weightDecay != nil),
            ("--seed", seed != nil), ("--pairs-per-epoch", pairsPerEpoch != nil),
            ("--validation-digits", validationDigits != nil), ("--train-limit", trainLimit != nil),
        ]
        return options.filter(\.1).map(\.0)
    }
}

extension Architecture: ExpressibleByArgument {}
extension PairLoss: ExpressibleByArgument {}
extension Distance: ExpressibleByArgument {}
extension TrainingConfiguration.Optimizer: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}

func printError(_ text: String) {
    writeStandardError(text + "\n")
}
