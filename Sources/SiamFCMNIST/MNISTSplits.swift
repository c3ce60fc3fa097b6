import SiamFCSupport

/// The digits a run trains on, the held-out validation digits that choose the decision
/// threshold, and the fixed evaluation pairs of the test split.
public struct MNISTSplits: Sendable {
    public let train: DigitSet
    public let validation: DigitSet
    public let test: DigitSet

    /// Seeds of the fixed pair sets: every model is compared on the same pairs.
    static let validationPairSeed: UInt64 = 2_006
    static let testPairSeed: UInt64 = 2_015

    public init(dataset: MNISTDataset, configuration: TrainingConfiguration) throws {
        var generator = SplitMix64(seed: configuration.seed ^ 0x5EED_5EED)
        var order = Array(0..<dataset.train.count)
        order.shuffle(using: &generator)
        let held = min(configuration.validationDigits, dataset.train.count / 2)
        var trainIndices = Array(order[held...])
        if configuration.trainLimit > 0 { trainIndices = Array(trainIndices.prefix(configuration.trainLimit)) }
        guard trainIndices.count >= 20 else {
            throw MNISTError(path: dataset.directory, message: "only \(trainIndices.count) training digits")
        }
        train = dataset.train.subset(trainIndices)
        validation = dataset.train.subset(Array(order[..<held]))
        test = dataset.test
    }

    /// 10,000 pairs (or fewer for small sets), half similar, from the validation digits.
    public func validationPairs(count: Int = 10_000) -> PairSet {
        var generator = SplitMix64(seed: Self.validationPairSeed)
        return PairSampler(labels: validation.labels).pairs(count: min(count, validation.count * 2), using: &generator)
    }

    /// The fixed evaluation pairs of the test split.
    public func testPairs(count: Int = 10_000) -> PairSet {
        var generator = SplitMix64(seed: Self.testPairSeed)
        return PairSampler(labels: test.labels).pairs(count: count, using: &generator)
    }
}
