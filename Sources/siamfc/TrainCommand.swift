import ArgumentParser
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport
import SiamFCTraining

struct TrainCommand: ParsableCommand, ConfigurationOptions {
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

    @OptionGroup var runOptions: TrainingRunOptions<TrackerTrainingDefaults>

    @Option(help: "Output channels of conv1...conv5, even numbers (default 24,64,96,96,64: the AlexNet layout at 0.25 width).")
    var widths: String?

    @Option(help: "Largest frame distance within a pair (default 100).")
    var maxGap: Int?

    @Option(help: "Final learning rate (default 1e-5).")
    var finalLr: Float?

    @Option(help: "Teacher model (safetensors) to distil from.")
    var teacher: String?

    @Option(help: "Weight of the teacher's response maps as soft targets (default 1).")
    var responseWeight: Float?

    @Option(help: "Weight of the teacher's features as hints (default 1; 0 turns them off).")
    var featureWeight: Float?

    @Option(help: "Steps between checkpoints (default 100).")
    var checkpointEvery: Int?

    func run() throws {
        let out = runOptions.output, quiet = runOptions.quiet
        if runOptions.resume != nil { try refuseConfigurationOptionsOnResume() }
        let trainer = try TrainingRun.trainer(TrackerTrainer.self, resume: runOptions.resume, configuration: makeConfiguration)
        let c = trainer.configuration
        if !quiet {
            let from = runOptions.resume.map { " from \($0) at step \(trainer.state.step + 1)" } ?? ""
            printError("training widths \(c.widths.map(String.init).joined(separator: ",")) on \(c.trainingData.joined(separator: " "))"
                + ", \(c.epochs) epochs of \(c.stepsPerEpoch) steps of \(c.batchSize) pairs"
                + (c.teacher.map { ", teacher \($0)" } ?? "") + from)
        }
        let validationSequences = try c.validationData.isEmpty ? [] : FrameSequence.discover(c.validationData)
        try TrainingRun.run(trainer, out: out, quiet: quiet, validate: validationSequences.isEmpty ? nil : { model in
            try TrainingReport.validate(model.with(configuration: .threeScale), on: validationSequences, quiet: quiet)
        })
        if let v = trainer.state.validation.last {
            print(String(format: "validation AUC %.3f, precision@20 %.3f", v.successScore, v.precisionScore))
        }
        print("model: \(out)/model.safetensors (track with: siamfc track FRAMES --model \(out)/model.safetensors)")
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
        runOptions.settings.apply(to: &c)
        if let maxGap { c.maximumFrameGap = maxGap }
        if let finalLr { c.finalLearningRate = finalLr }
        c.teacher = teacher
        if let responseWeight { c.responseDistillationWeight = responseWeight }
        if let featureWeight { c.featureDistillationWeight = featureWeight }
        if let checkpointEvery { c.checkpointEvery = checkpointEvery }
        try c.validate()
        return c
    }
}

/// `siamfc train`'s defaults, as its help gives them.
enum TrackerTrainingDefaults: TrainingRunDefaults {
    static let outHelp: ArgumentHelp = "Output folder (default runs/train, or the folder of the --resume checkpoint)."
    static let epochsHelp: ArgumentHelp = "Epochs (default 6)."
    static let pairsPerEpochHelp: ArgumentHelp = "Pairs per epoch (default 4000)."
    static let batchSizeHelp: ArgumentHelp = "Pairs per batch (default 8)."
    static let lrHelp: ArgumentHelp = "Initial learning rate (default 1e-2)."

    /// A resumed run writes beside its checkpoint.
    static func defaultOutput(resume: String?) -> String { outputBesideCheckpoint(resume, otherwise: "runs/train") }
}

extension TrackerTrainingConfiguration: TrainingRunSettable {
    static var learningRateSetting: WritableKeyPath<Self, Float> { \.initialLearningRate }
}
