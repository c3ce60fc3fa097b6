import ArgumentParser
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport
import SiamFCTraining

struct TrainLightCommand: ParsableCommand, ConfigurationOptions {
    static let configuration = CommandConfiguration(
        commandName: "train-light",
        abstract: "Train our light NanoTrack-interface model (docs/light-model.md) from random initialisation.",
        discussion: """
            Pairs are a template and a search frame of one sequence at most --max-gap frames apart \
            (or, with probability --negatives, a search frame of another sequence), cropped as the \
            tracker crops them: a 127 template with a small jitter and a 255 search region shifted by \
            up to ±64 px and scaled by up to ±18 %, blurred, colour-jittered, grey or mirrored; with \
            probability --distractors, another sequence's target is pasted in beside the target; with \
            probability --pseudo-targets, the target is another region of the template frame, which \
            the teacher finds in the search crop. Labels \
            on the 16x16 map: positives inside the ellipse of the target's box; losses: balanced \
            two-class cross-entropy and GIoU on the positives' boxes. Adam with weight decay 1e-4, a \
            linear warm-up then a cosine from --lr to --final-lr. With --teacher-backbone and \
            --teacher-head (a NanoTrack ONNX pair) the student also matches the teacher's class \
            probabilities and boxes and, through a training-only 1x1 convolution, its search \
            features; --intermediate-hint adds a second such hint from a value inside the teacher's \
            backbone to the student's last block of the same side. With --average-decay, the model \
            written and validated is a moving average of the weights. Writes OUT/checkpoint.safetensors every --checkpoint-every steps, on Ctrl-C and \
            after each epoch; after each epoch also OUT/model.safetensors (track it with siamfc track \
            --model) and OUT/loss.png, and with --val the validation AUC, keeping the best epoch's \
            model as OUT/best.safetensors. --resume continues a run exactly. --network trains \
            another width or layout than the standard one.
            """)

    @Option(parsing: .upToNextOption, help: "Training sequences: sequence folders or folders of sequences.")
    var data: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation sequences, tracked after each epoch (default: none).")
    var val: [String] = []

    @OptionGroup var runOptions: TrainingRunOptions<LightTrainingDefaults>

    @Option(help: "The student's widths and layout: a JSON file in the form a light model file keeps in its metadata (docs/light-model.md; default: the standard design).")
    var network: String?

    @Option(help: "Largest frame distance within a pair (default 100).")
    var maxGap: Int?

    @Option(help: "Final learning rate (default 2e-5).")
    var finalLr: Float?

    @Option(help: "Share of negative pairs, search frame from another sequence (default 0.1).")
    var negatives: Double?

    @Option(help: "Share of pairs with a distractor: another sequence's target pasted into the search region beside the target, labelled background (default 0).")
    var distractors: Double?

    @Option(help: "Share of pairs whose target is a region of the template frame about the target's size instead of the target, labelled in the search crop by the teacher (default 0; needs a teacher).")
    var pseudoTargets: Double?

    @Option(help: "Teacher backbone (NanoTrack ONNX) to distil from; needs --teacher-head.")
    var teacherBackbone: String?

    @Option(help: "Teacher head (NanoTrack ONNX).")
    var teacherHead: String?

    @Option(help: "Weight of the teacher's class probabilities (default 0.5).")
    var softClassWeight: Float?

    @Option(help: "Weight of the teacher's boxes (default 0.5).")
    var softBoxWeight: Float?

    @Option(help: "Weight of the feature hint (default 0.5; 0 turns it off).")
    var featureHintWeight: Float?

    @Option(help: "A value inside the teacher's backbone graph (ONNX name; NanoTrack v2's stride-8 features are /features/features.3/Add_output_0) for a second hint: the student's last block with its side is mapped onto it by a training-only 1x1 convolution (default: none).")
    var intermediateHint: String?

    @Option(help: "Weight of the intermediate hint (default 0.5).")
    var intermediateHintWeight: Float?

    @Option(help: "Decay of a moving average of the weights, written and validated as the model after each epoch (default: none; 0.999 averages over about a thousand steps).")
    var averageDecay: Float?

    @Option(help: "Steps between checkpoints (default 100).")
    var checkpointEvery: Int?

    @Option(help: "Start from the weights of this light model file (a model an earlier run of this trainer made) instead of random initialisation.")
    var initialModel: String?

    func run() throws {
        let out = runOptions.output, quiet = runOptions.quiet
        if runOptions.resume != nil { try refuseConfigurationOptionsOnResume() }
        let trainer = try TrainingRun.trainer(LightTrackTrainer.self, resume: runOptions.resume, configuration: makeConfiguration)
        let c = trainer.configuration
        if !quiet {
            let from = runOptions.resume.map { " from \($0) at step \(trainer.state.step + 1)" } ?? ""
            printError("training the light model on \(c.trainingData.joined(separator: " "))"
                + ", \(c.epochs) epochs of \(c.stepsPerEpoch) steps of \(c.batchSize) pairs"
                + (c.teacherBackbone.map { ", teacher \($0)" } ?? "") + from)
        }
        let validationSequences = try c.validationData.isEmpty ? [] : FrameSequence.discover(c.validationData)
        try TrainingRun.run(trainer, out: out, quiet: quiet, validate: validationSequences.isEmpty ? nil : { model in
            try TrainingReport.validate(model, on: validationSequences, quiet: quiet)
        })
        if let best = trainer.state.bestEpoch, let v = trainer.state.validation.first(where: { $0.epoch == best }) {
            print(String(format: "best validation AUC %.3f (precision@20 %.3f) at epoch %d: %@/best.safetensors",
                         v.successScore, v.precisionScore, best, out))
        }
        print("model: \(out)/model.safetensors (track with: siamfc track FRAMES --model \(out)/model.safetensors)")
    }

    func makeConfiguration() throws -> LightTrackTrainingConfiguration {
        var c = LightTrackTrainingConfiguration()
        guard !data.isEmpty else { throw ValidationError("--data: give the training sequences (or --resume a run)") }
        c.trainingData = data
        c.validationData = val
        runOptions.settings.apply(to: &c)
        if let network { c.network = try LightTrackConfiguration(contentsOf: network) }
        if let maxGap { c.maximumFrameGap = maxGap }
        if let finalLr { c.finalLearningRate = finalLr }
        if let negatives { c.negativePairProbability = negatives }
        c.distractorProbability = distractors
        c.pseudoTargetProbability = pseudoTargets
        c.teacherBackbone = teacherBackbone
        c.teacherHead = teacherHead
        if let softClassWeight { c.softClassWeight = softClassWeight }
        if let softBoxWeight { c.softBoxWeight = softBoxWeight }
        if let featureHintWeight { c.featureHintWeight = featureHintWeight }
        c.intermediateHint = intermediateHint
        c.intermediateHintWeight = intermediateHintWeight
        if let checkpointEvery { c.checkpointEvery = checkpointEvery }
        c.averageDecay = averageDecay
        c.initialModel = initialModel
        try c.validate()
        return c
    }
}

/// `siamfc train-light`'s defaults, as its help gives them.
enum LightTrainingDefaults: TrainingRunDefaults {
    static let outHelp: ArgumentHelp = "Output folder (default runs/train-light, or the folder of the --resume checkpoint)."
    static let epochsHelp: ArgumentHelp = "Epochs (default 20)."
    static let pairsPerEpochHelp: ArgumentHelp = "Pairs per epoch (default 4000)."
    static let batchSizeHelp: ArgumentHelp = "Pairs per batch (default 16)."
    static let lrHelp: ArgumentHelp = "Peak learning rate (default 2e-3)."

    static func defaultOutput(resume: String?) -> String { outputBesideCheckpoint(resume, otherwise: "runs/train-light") }
}

extension LightTrackTrainingConfiguration: TrainingRunSettable {
    static var learningRateSetting: WritableKeyPath<Self, Float> { \.learningRate }
}
