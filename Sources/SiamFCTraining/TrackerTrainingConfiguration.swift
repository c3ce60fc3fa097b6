import SiamFCEngine
import SiamFCTracker

/// Everything that defines a SiamFC training run. Stored in every checkpoint, so that a resumed
/// run continues with exactly the settings it started with.
public struct TrackerTrainingConfiguration: TrainingRunConfiguration, Equatable {
    public static let checkpointKind = TrainingCheckpointKind(metadataPrefix: "siamfc.train", name: "a tracker training checkpoint")

    /// Sequence folders (or folders of sequences) in OTB, VOT or GOT-10k layout to draw pairs from.
    public var trainingData: [String] = []
    /// Sequences tracked after each epoch to report the validation AUC; none skips validation.
    public var validationData: [String] = []
    /// Output channels of conv1...conv5 (the AlexNet layout's widths).
    public var widths = [24, 64, 96, 96, 64]
    public var epochs = 6
    public var pairsPerEpoch = 4_000
    public var batchSize = 8
    /// Largest frame distance between the exemplar and the search frame of a pair.
    public var maximumFrameGap = 100
    /// SGD with momentum and weight decay; the rate decays exponentially from `initialLearningRate`
    /// to `finalLearningRate` over the run, as SiamFC trains.
    public var initialLearningRate: Float = 1e-2
    public var finalLearningRate: Float = 1e-5
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    /// Response cells within this many search-crop pixels of the target are positives.
    public var positiveRadius = 16.0
    /// A teacher model (safetensors) whose responses and features the student also learns to
    /// match, or nil to train on the labels alone.
    public var teacher: String?
    /// Weight of the loss that matches the teacher's response maps (balanced logistic loss with the
    /// teacher's probabilities as targets).
    public var responseDistillationWeight: Float = 1
    /// Weight of the loss that matches the teacher's features (mean squared error after a 1x1
    /// convolution that maps the student's channels to the teacher's, relative to the teacher
    /// features' mean square).
    public var featureDistillationWeight: Float = 1
    public var seed: UInt64 = 1
    /// Steps between checkpoints (each epoch's end is saved as well).
    public var checkpointEvery = 100

    public init() {}

    /// The tracker the trained network is for, with its default settings: training crops with
    /// its exemplar size and context, and scores with its stride and response scale.
    public static let tracking = TrackerConfiguration()
    public static let exemplarSize = tracking.exemplarSize
    /// The side of a training pair's search crop: 16 px smaller than tracking's (255), which
    /// leaves room for the random translation and gives a 15x15 response.
    public static let searchSize = 239
    public static let totalStride = tracking.totalStride
    public static var responseSize: Int { (searchSize - exemplarSize) / totalStride + 1 }

    public var totalSteps: Int { epochs * stepsPerEpoch }
    public var stepsPerEpoch: Int { max(1, pairsPerEpoch / max(batchSize, 1)) }

    /// Rejects settings that cannot train, with a message that names the setting.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { TrainingError("training configuration: " + message) }
        guard !trainingData.isEmpty else { throw fail("no training data") }
        guard widths.count == 5, widths.allSatisfy({ $0 > 0 && $0 % 2 == 0 }) else {
            throw fail("widths must be five even positive numbers, got \(widths)")
        }
        guard epochs >= 1, pairsPerEpoch >= 1, batchSize >= 2 else {
            throw fail("epochs and pairs per epoch must be at least 1 and the batch size at least 2 (batch norm needs two)")
        }
        guard maximumFrameGap >= 0 else { throw fail("the frame gap must not be negative") }
        guard initialLearningRate > 0, finalLearningRate > 0, momentum >= 0, momentum < 1, weightDecay >= 0 else {
            throw fail("learning rates must be positive, momentum in [0, 1), weight decay not negative")
        }
        guard positiveRadius > 0, responseDistillationWeight >= 0, featureDistillationWeight >= 0, checkpointEvery >= 1 else {
            throw fail("the positive radius and the checkpoint interval must be positive, the distillation weights not negative")
        }
    }
}
