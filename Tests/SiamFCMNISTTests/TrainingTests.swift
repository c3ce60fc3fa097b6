import Testing
@testable import SiamFCMNIST
import SiamFCEngine
import SiamFCTestSupport

/// Every architecture and loss learns on a small subset: the loss drops and pair accuracy beats
/// chance (50 %) clearly. Small networks and a few hundred steps keep this fast (800 steps of 32 pairs).
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared/mnist (SIAMFC_SHARED)"))
struct TrainingTests {
    static func configuration(_ architecture: Architecture, _ loss: PairLoss, _ distance: Distance = .euclidean,
                              margin: Float = 1) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model.architecture = architecture
        c.model.loss = loss
        c.model.distance = distance.rawValue
        c.model.margin = margin
        c.model.channels = [6, 12]
        c.model.hidden = 48
        c.model.embeddingSize = 8
        c.epochs = 1
        c.batchSize = 32
        c.pairsPerEpoch = 800 * 32
        c.trainLimit = 4_000
        c.validationDigits = 1_000
        c.seed = 7
        return c
    }

    func trainAndCheck(_ c: TrainingConfiguration, minimumAccuracy: Double = 0.75) throws {
        let dataset = try SharedMNIST.dataset.get()
        let trainer = try MNISTTrainer(configuration: c, dataset: dataset)
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        #expect(try trainer.train(checkpointPath: dir + "/c.safetensors") == .finished)
        let losses = trainer.state.losses
        #expect(losses.count == 800)
        let early = losses.prefix(25).reduce(0, +) / 25, late = losses.suffix(25).reduce(0, +) / 25
        #expect(late < 0.8 * early, "loss \(early) → \(late)")
        let accuracy = try Variable.withoutGradients { () -> Double in
            let validation = trainer.splits.validationPairs(count: 2_000)
            let threshold = PairEvaluation.bestThreshold(
                scores: try PairEvaluation.scores(trainer.model, digits: trainer.splits.validation, pairs: validation),
                similar: validation.similar).threshold
            let test = trainer.splits.testPairs(count: 2_000)
            let scores = try PairEvaluation.scores(trainer.model, digits: trainer.splits.test, pairs: test)
            return PairEvaluation.accuracy(scores: scores, similar: test.similar, threshold: threshold)
        }
        #expect(accuracy > minimumAccuracy, "\(c.model.architecture) \(c.model.loss) \(c.model.distance): accuracy \(accuracy)")
    }

    @Test func siameseContrastive() throws { try trainAndCheck(Self.configuration(.siamese, .contrastive)) }
    @Test func pseudoSiameseContrastive() throws { try trainAndCheck(Self.configuration(.pseudo, .contrastive)) }
    @Test func twoChannelBinaryCrossEntropy() throws { try trainAndCheck(Self.configuration(.twoChannel, .bce)) }
    @Test func siameseBinaryCrossEntropy() throws { try trainAndCheck(Self.configuration(.siamese, .bce)) }
    @Test func siameseTriplet() throws { try trainAndCheck(Self.configuration(.siamese, .triplet)) }
    @Test func cosineAndManhattanDistances() throws {
        try trainAndCheck(Self.configuration(.siamese, .contrastive, .cosine, margin: 0.5))
        try trainAndCheck(Self.configuration(.siamese, .contrastive, .manhattan, margin: 3))
    }
}
