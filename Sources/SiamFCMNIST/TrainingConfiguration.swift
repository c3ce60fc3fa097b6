import SiamFCEngine

/// Everything that determines a training run; with the same configuration and data, runs are
/// identical, including runs that were interrupted and resumed.
public struct TrainingConfiguration: TrainingRunConfiguration, Equatable {
    public static let checkpointKind = TrainingCheckpointKind(metadataPrefix: "siamfc.mnist", name: "an MNIST checkpoint")

    public enum Optimizer: String, Sendable, Codable, CaseIterable {
        case adam, sgd
    }

    /// How the learning rate changes over the run's steps.
    public enum Schedule: String, Sendable, Codable, CaseIterable {
        case constant
        /// Half a cosine down to 1 % of the initial rate.
        case cosine
        /// Geometric decay to 1 % of the initial rate.
        case exponential
    }

    public var model = ModelConfiguration()
    public var epochs = 10
    public var batchSize = 128
    public var learningRate: Float = 1e-3
    public var optimizer: Optimizer = .adam
    public var schedule: Schedule = .cosine
    /// SGD only.
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1
    /// Pairs (or triplets) drawn fresh each epoch; 0 means as many as training digits.
    public var pairsPerEpoch = 0
    /// Training digits held out to choose the decision threshold.
    public var validationDigits = 5_000
    /// Use only this many training digits (0: all), for quick experiments and tests.
    public var trainLimit = 0

    public init() {}

    /// The learning rate of global step `step` out of `totalSteps`.
    public func learningRate(step: Int, totalSteps: Int) -> Float {
        switch schedule {
        case .constant: return learningRate
        case .cosine: return CosineDecay(initial: learningRate, minimum: learningRate / 100, steps: totalSteps).learningRate(at: step)
        case .exponential: return ExponentialDecay(initial: learningRate, final: learningRate / 100, steps: totalSteps).learningRate(at: step)
        }
    }

    public func validate() throws {
        try model.validate()
        guard epochs >= 1, batchSize >= 2, learningRate > 0, learningRate.isFinite, pairsPerEpoch >= 0,
              validationDigits >= 20, trainLimit >= 0
        else {
            throw MNISTError(path: "", message: "epochs \(epochs), batch size \(batchSize), learning rate \(learningRate) or validation digits \(validationDigits) out of range")
        }
    }
}

/// Where a run stands: saved with every checkpoint.
public struct TrainingState: Sendable, Codable, Equatable {
    /// The epoch in progress (0-based) and the next step to run in it.
    public var epoch = 0
    public var step = 0
    /// The loss of every step so far.
    public var losses: [Float] = []
    public var elapsedSeconds: Double = 0
    public var finished = false
    /// Adam's step count.
    public var optimizerSteps = 0

    public init() {}
}
