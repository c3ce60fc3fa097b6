import ArgumentParser
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport
import SiamFCTraining

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a SiamFC tracking model on sequences in OTB, VOT or GOT-10k layout.",
        discussion: """
            Pairs are an exemplar and a search frame of one sequence at most --max-gap frames apart, \
            cropped around their ground-truth boxes as in tracking (127 and 239 px, a 15x15 response) \
            with random stretch, translation, colour jitter, grayscale and flip. Loss: balanced \
            logistic loss, positives within 16 px of the target; SGD with momentum 0.9, weight decay \
            5e-4, learning rate decaying exponentially from --lr to --final-lr. With --teacher the \
            student also matches the teacher's response maps (soft targets) and features (through a \
            1x1 convolution used only in training). Writes OUT/checkpoint.safetensors every \
            --checkpoint-every steps, when Ctrl-C stops the run and after each epoch; after each epoch \
            also OUT/model.safetensors (the tracking model) and OUT/loss.png, and tracks the --val \
            sequences to report their success AUC. --resume continues a run exactly.
            """)

    @Option(parsing: .upToNextOption, help: "Training sequences: sequence folders or folders of sequences.")
    var data: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation sequences, tracked after each epoch (default: none).")
    var val: [String] = []

    @Option(name: .customLong("out"), help: "Output folder (default runs/train, or the folder of the --resume checkpoint).")
    var outOption: String?

    var out: String {
        if let outOption { return outOption }
        guard let resume else { return "runs/train" }
        let parts = resume.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    @Option(help: "Continue the run saved in this checkpoint.")
    var resume: String?

    @Option(help: "Output channels of conv1...conv5, even numbers (default 24,64,96,96,64: the AlexNet layout at 0.25 width).")
    var widths: String?

    @Option(help: "Epochs (default 6).")
    var epochs: Int?

    @Option(help: "Pairs per epoch (default 4000).")
    var pairsPerEpoch: Int?

    @Option(help: "Pairs per batch (default 8).")
    var batchSize: Int?

    @Option(help: "Largest frame distance within a pair (default 100).")
    var maxGap: Int?

    @Option(name: .customLong("lr"), help: "Initial learning rate (default 1e-2).")
    var learningRate: Float?

    @Option(name: .customLong("final-lr"), help: "Final learning rate (default 1e-5).")
    var finalLearningRate: Float?

    @Option(help: "Teacher model (safetensors) to distil from.")
    var teacher: String?

    @Option(help: "Weight of the teacher's response maps as soft targets (default 1).")
    var responseWeight: Float?

    @Option(help: "Weight of the teacher's features as hints (default 1; 0 turns them off).")
    var featureWeight: Float?

    @Option(help: "Random seed (default 1).")
    var seed: UInt64?

    @Option(help: "Steps between checkpoints (default 100).")
    var checkpointEvery: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let trainer: TrackerTrainer
        do {
            if let resume {
                let changed = changedOptions()
                guard changed.isEmpty else {
                    throw ValidationError("--resume continues the saved configuration; drop \(changed.joined(separator: ", "))")
                }
                let checkpoint = try TrackerCheckpoint.read(path: resume)
                if checkpoint.state.finished { throw CLIError("\(resume): this run is already finished") }
                trainer = try TrackerTrainer(resuming: checkpoint, path: resume)
            } else {
                trainer = try TrackerTrainer(configuration: try makeConfiguration())
            }
        } catch let error as TrackerError {
            throw CLIError(error.message)
        }
        let c = trainer.configuration
        if !quiet {
            let from = resume.map { " from \($0) at step \(trainer.state.step + 1)" } ?? ""
            printError("training widths \(c.widths.map(String.init).joined(separator: ",")) on \(c.trainingData.joined(separator: " "))"
                + ", \(c.epochs) epochs of \(c.stepsPerEpoch) steps of \(c.batchSize) pairs"
                + (c.teacher.map { ", teacher \($0)" } ?? "") + from)
        }
        let validationSequences = try c.validationData.isEmpty ? [] : FrameSequence.discover(c.validationData)
        let bar = ProgressBar(quiet: quiet)
        let interrupt = InterruptFlag()
        let outcome: TrackerTrainer.Outcome
        do {
            outcome = try trainer.train(directory: out, progress: { p in
                let fraction = (Double(p.epoch) + Double(p.step) / Double(p.stepsPerEpoch)) / Double(p.epochs)
                bar.update(fraction: fraction, String(
                    format: "epoch %d/%d step %d/%d loss %.4f %.1f pairs/s ETA %@", p.epoch + 1, p.epochs, p.step,
                    p.stepsPerEpoch, p.loss, p.pairsPerSecond, formatDuration(p.secondsRemaining)),
                    force: p.step == p.stepsPerEpoch)
            }, validate: validationSequences.isEmpty ? nil : { model in
                let results = try OnePassEvaluation.run(validationSequences, model: model, config: .threeScale,
                                                        jobs: Parallel.coreCount)
                let curves = TrackingMetrics.average(results.map(\.curves))
                if !quiet {
                    printError(String(format: "%@: validation AUC %.3f, precision@20 %.3f on %d sequences", model.source,
                                      curves.successScore, curves.precisionScore, results.count))
                }
                return (curves.successScore, curves.precisionScore)
            }, shouldStop: { interrupt.isRaised })
        } catch let error as TrackerError {
            throw CLIError(error.message)
        }
        bar.finish()
        let checkpointPath = out + "/checkpoint.safetensors"
        switch outcome {
        case .interrupted:
            throw CLIError("interrupted: checkpoint saved to \(checkpointPath); continue with --resume \(checkpointPath)")
        case .finished:
            let last = trainer.state.losses.suffix(c.stepsPerEpoch)
            print(String(format: "finished %d steps in %@ (%.1f pairs/s), last epoch's mean loss %.4f", trainer.state.step,
                         formatDuration(trainer.state.elapsedSeconds),
                         Double(trainer.state.step * c.batchSize) / max(trainer.state.elapsedSeconds, 1e-9),
                         last.reduce(0, +) / Float(max(last.count, 1))))
            if let v = trainer.state.validation.last {
                print(String(format: "validation AUC %.3f, precision@20 %.3f", v.successScore, v.precisionScore))
            }
            print("model: \(out)/model.safetensors (track with: siamfc track FRAMES --model \(out)/model.safetensors)")
        }
    }

    func makeConfiguration() throws -> TrackerTrainingConfiguration {
        var c = TrackerTrainingConfiguration()
        guard !data.isEmpty else { throw ValidationError("--data: give the training sequences (or --resume a run)") }
        c.trainingData = data
        c.validationData = val
        if let widths {
            let values = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 5 else { throw ValidationError("--widths takes five numbers, e.g. 24,64,96,96,64") }
            c.widths = values
        }
        if let epochs { c.epochs = epochs }
        if let pairsPerEpoch { c.pairsPerEpoch = pairsPerEpoch }
        if let batchSize { c.batchSize = batchSize }
        if let maxGap { c.maximumFrameGap = maxGap }
        if let learningRate { c.initialLearningRate = learningRate }
        if let finalLearningRate { c.finalLearningRate = finalLearningRate }
        c.teacher = teacher
        if let responseWeight { c.responseDistillationWeight = responseWeight }
        if let featureWeight { c.featureDistillationWeight = featureWeight }
        if let seed { c.seed = seed }
        if let checkpointEvery { c.checkpointEvery = checkpointEvery }
        do {
            try c.validate()
        } catch let error as TrackerError {
            throw ValidationError(error.message)
        }
        return c
    }

    func changedOptions() -> [String] {
        let options: [(String, Bool)] = [
            ("--data", !data.isEmpty), ("--val", !val.isEmpty), ("--widths", widths != nil), ("--epochs", epochs != nil),
            ("--pairs-per-epoch", pairsPerEpoch != nil), ("--batch-size", batchSize != nil), ("--max-gap", maxGap != nil),
            ("--lr", learningRate != nil), ("--final-lr", finalLearningRate != nil), ("--teacher", teacher != nil),
            ("--response-weight", responseWeight != nil), ("--feature-weight", featureWeight != nil), ("--seed", seed != nil),
            ("--checkpoint-every", checkpointEvery != nil),
        ]
        return options.filter(\.1).map(\.0)
    }
}
