#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCEngine
import SiamFCTracker

/// Everything that defines a training run of a light NanoTrack-interface model. Stored in every
/// checkpoint, so that a resumed run continues with exactly the settings it started with.
public struct LightTrackTrainingConfiguration: TrainingRunConfiguration, Equatable {
    public static let checkpointKind = TrainingCheckpointKind(metadataPrefix: "lighttrack.train",
                                                              name: "a light tracker training checkpoint")

    /// The student's widths and layout; nil (as in checkpoints written before this setting
    /// existed) means ``LightTrackConfiguration/standard``.
    public var network: LightTrackConfiguration?
    /// Sequence folders (or folders of sequences) in OTB, VOT or GOT-10k layout to draw pairs from.
    public var trainingData: [String] = []
    /// Sequences tracked after each epoch to report the validation AUC; none skips validation.
    public var validationData: [String] = []
    public var epochs = 20
    public var pairsPerEpoch = 4_000
    public var batchSize = 16
    /// Largest frame distance between the template and the search frame of a pair.
    public var maximumFrameGap = 100
    /// Share of pairs whose search crop comes from another sequence (no target: all negatives).
    public var negativePairProbability = 0.1
    /// Share of pairs (not negative ones) whose target is not the annotated object but a region
    /// of the template frame about its size (a pseudo-target), labelled in the search crop by the
    /// teacher's most probable box (needs a teacher); nil (as in checkpoints written before this
    /// setting existed) means 0.
    public var pseudoTargetProbability: Double?
    /// Share of pairs whose search crop also shows another sequence's target, pasted beside the
    /// target at its size and labelled background (a distractor); nil (as in checkpoints written
    /// before this setting existed) means 0.
    public var distractorProbability: Double?
    /// Adam; the rate follows a cosine from `learningRate` to `finalLearningRate` after a linear
    /// warm-up over `warmupSteps`.
    public var learningRate: Float = 2e-3
    public var finalLearningRate: Float = 2e-5
    public var warmupSteps = 200
    public var weightDecay: Float = 1e-4
    /// Weight of the box loss (GIoU on positive cells) against the classification loss.
    public var boxLossWeight: Float = 1
    /// NanoTrack-interface teacher (backbone and head ONNX files) whose outputs the student also
    /// learns to match, or nil to train on the labels alone.
    public var teacherBackbone: String?
    public var teacherHead: String?
    /// Weight of the teacher's class probabilities as soft targets.
    public var softClassWeight: Float = 0.5
    /// Weight of the teacher's boxes as targets on the cells the teacher is sure of.
    public var softBoxWeight: Float = 0.5
    /// Weight of the feature hint: student search features mapped to the teacher's by a
    /// training-only 1x1 convolution, mean squared error relative to the teacher's mean square.
    public var featureHintWeight: Float = 0.5
    /// A value inside the teacher's backbone graph (an ONNX value name, such as NanoTrack v2's
    /// stride-8 `/features/features.3/Add_output_0`) for a second feature hint: the output of the
    /// student's last block with the same spatial side, mapped by its own training-only 1x1
    /// convolution, against it. nil (as in checkpoints written before this setting existed):
    /// none.
    public var intermediateHint: String?
    /// Weight of the intermediate hint, measured like ``featureHintWeight``; nil means 0.5.
    public var intermediateHintWeight: Float?
    /// Decay of a moving average of the weights and batch-norm statistics, which is then the
    /// model written and validated after each epoch while the live weights go on training; the
    /// decay ramps up as (1 + t)/(10 + t) over the first steps t. nil (as in checkpoints
    /// written before this setting existed) or 0: the live weights.
    public var averageDecay: Float?
    public var seed: UInt64 = 1
    /// Steps between checkpoints (each epoch's end is saved as well).
    public var checkpointEvery = 100
    /// A light model file from an earlier run of this trainer to start from, so that training
    /// can go on over several sessions with a fresh schedule; nil starts from random weights.
    public var initialModel: String?

    public init() {}

    public var totalSteps: Int { epochs * stepsPerEpoch }
    public var stepsPerEpoch: Int { max(1, pairsPerEpoch / max(batchSize, 1)) }
    public var hasTeacher: Bool { teacherBackbone != nil }
    public var networkConfiguration: LightTrackConfiguration { network ?? .standard }
    /// The weight of the intermediate hint in effect: 0 without one.
    public var effectiveIntermediateHintWeight: Float { intermediateHint == nil ? 0 : intermediateHintWeight ?? 0.5 }

    /// Rejects settings that cannot train, with a message that names the setting.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { TrainingError("training configuration: " + message) }
        guard !trainingData.isEmpty else { throw fail("no training data") }
        guard epochs >= 1, pairsPerEpoch >= 1, batchSize >= 2 else {
            throw fail("epochs and pairs per epoch must be at least 1 and the batch size at least 2 (batch norm needs two)")
        }
        guard maximumFrameGap >= 0, (0...1).contains(negativePairProbability), (0...1).contains(distractorProbability ?? 0) else {
            throw fail("the frame gap must not be negative and the negative pair and distractor probabilities must be within 0...1")
        }
        guard learningRate > 0, finalLearningRate > 0, warmupSteps >= 0, weightDecay >= 0 else {
            throw fail("learning rates must be positive, warm-up steps and weight decay not negative")
        }
        guard (0..<1).contains(averageDecay ?? 0) else { throw fail("the average decay must be within 0 ..< 1") }
        guard boxLossWeight >= 0, softClassWeight >= 0, softBoxWeight >= 0, featureHintWeight >= 0, checkpointEvery >= 1 else {
            throw fail("loss weights must not be negative and the checkpoint interval must be positive")
        }
        guard (teacherBackbone == nil) == (teacherHead == nil) else {
            throw fail("a teacher needs both its backbone and its head file")
        }
        guard intermediateHint == nil || hasTeacher, (intermediateHintWeight ?? 0) >= 0 else {
            throw fail("an intermediate hint needs a teacher, and its weight must not be negative")
        }
        guard (0...1).contains(pseudoTargetProbability ?? 0), (pseudoTargetProbability ?? 0) == 0 || hasTeacher else {
            throw fail("the pseudo-target share must be within 0...1, and pseudo-targets need a teacher to label them")
        }
        do {
            try networkConfiguration.validate()
        } catch {
            throw fail(error.description)
        }
    }

    /// The learning rate of `step`: linear warm-up, then a cosine down to the final rate.
    public func learningRate(step: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        let span = max(totalSteps - warmupSteps - 1, 1)
        let t = Float(min(step - warmupSteps, span)) / Float(span)
        return finalLearningRate + (learningRate - finalLearningRate) * 0.5 * Float(1 + cos(Double.pi * Double(t)))
    }
}
