import SiamFCEngine

/// A tracker training checkpoint: the network (`model.*`), the distillation adapter
/// (`adapter.*`) and the SGD momentum buffers (`optimizer.velocity.N`), with the configuration and
/// state in its metadata.
public typealias TrackerCheckpoint = TrainingCheckpoint<TrackerTrainingConfiguration, TrackerTrainingState>

/// How far a training run has come: saved in every checkpoint with the configuration.
public struct TrackerTrainingState: Sendable, Codable, Equatable {
    /// Optimisation steps done, over all epochs.
    public var step = 0
    /// Training time so far, validation excluded.
    public var elapsedSeconds = 0.0
    /// The total loss of every step.
    public var losses: [Float] = []
    /// The part of it that is the logistic loss on the labels (equal to `losses` without a teacher).
    public var labelLosses: [Float] = []
    /// Validation after each epoch.
    public var validation: [ValidationRecord] = []
    public var finished = false

    public init() {}

    public struct ValidationRecord: Sendable, Codable, Equatable {
        public let epoch: Int
        public let successScore: Double
        public let precisionScore: Double

        public init(epoch: Int, successScore: Double, precisionScore: Double) {
            self.epoch = epoch
            self.successScore = successScore
            self.precisionScore = precisionScore
        }
    }
}
