/// Progress of a training run, reported after every step.
public struct TrainingProgress: Sendable, Equatable {
    /// The epoch in progress, 0-based.
    public let epoch: Int
    public let epochs: Int
    /// Steps done within the epoch.
    public let step: Int
    public let stepsPerEpoch: Int
    /// Mean loss of recent steps (each trainer documents which).
    public let loss: Float
    public let pairsPerSecond: Double
    public let secondsRemaining: Double

    public init(epoch: Int, epochs: Int, step: Int, stepsPerEpoch: Int, loss: Float, pairsPerSecond: Double,
                secondsRemaining: Double) {
        self.epoch = epoch
        self.epochs = epochs
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.loss = loss
        self.pairsPerSecond = pairsPerSecond
        self.secondsRemaining = secondsRemaining
    }

    /// The part of the whole run done, 0...1.
    public var fraction: Double {
        (Double(epoch) + Double(step) / Double(max(stepsPerEpoch, 1))) / Double(max(epochs, 1))
    }

    /// True after the last step of an epoch.
    public var endsEpoch: Bool { step == stepsPerEpoch }
}

/// How a training run's `train` call ended.
public enum TrainingOutcome: Sendable, Equatable {
    case finished
    /// Stopped on request; the checkpoint holds the point to resume from.
    case interrupted
}
