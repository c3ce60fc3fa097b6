import SiamFCEngine

/// A light tracker training checkpoint: the network (`model.*`), the feature-hint adapter
/// (`adapter.*`) and Adam's moments (`optimizer.*`), with the configuration and state in its
/// metadata.
public typealias LightTrackCheckpoint = TrainingCheckpoint<LightTrackTrainingConfiguration, LightTrackTrainingState>

/// How far a light tracker training run has come: saved in every checkpoint.
public struct LightTrackTrainingState: Sendable, Codable, Equatable {
    /// Optimisation steps done, over all epochs.
    public var step = 0
    /// Training time so far, validation excluded.
    public var elapsedSeconds = 0.0
    /// The total loss of every step, and its parts: classification on the labels, box loss on
    /// the labels, and the teacher's terms (0 without a teacher).
    public var losses: [Float] = []
    public var classLosses: [Float] = []
    public var boxLosses: [Float] = []
    public var teacherLosses: [Float] = []
    /// Validation after each epoch.
    public var validation: [TrackerTrainingState.ValidationRecord] = []
    /// The epoch with the best validation AUC so far (its weights are `best.safetensors`).
    public var bestEpoch: Int?
    public var finished = false

    public init() {}
}
