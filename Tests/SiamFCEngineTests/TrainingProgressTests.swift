import Testing
import SiamFCEngine

@Suite struct TrainingProgressTests {
    @Test func fractionCountsFinishedEpochsAndTheStepsOfTheCurrentOne() {
        func progress(epoch: Int, step: Int) -> TrainingProgress {
            TrainingProgress(epoch: epoch, epochs: 4, step: step, stepsPerEpoch: 10, loss: 0.5, pairsPerSecond: 100,
                             secondsRemaining: 3)
        }
        #expect(progress(epoch: 0, step: 0).fraction == 0)
        #expect(progress(epoch: 1, step: 5).fraction == 0.375)
        #expect(progress(epoch: 3, step: 10).fraction == 1)
        #expect(progress(epoch: 2, step: 10).endsEpoch && !progress(epoch: 2, step: 9).endsEpoch)
    }
}
