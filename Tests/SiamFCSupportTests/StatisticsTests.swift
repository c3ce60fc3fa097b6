import Testing
import SiamFCSupport

@Suite struct StatisticsTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]).isNaN)
    }

    @Test func percentileIsNearestRank() {
        let values = (1...10).map(Double.init)
        #expect(Statistics.percentile(values, 0.9) == 9)
        #expect(Statistics.percentile(values, 0.91) == 10)
        #expect(Statistics.percentile(values, 0) == 1)
        #expect(Statistics.percentile(values, 1) == 10)
        #expect(Statistics.percentile([], 0.5).isNaN)
    }

    @Test func meanAndStopwatch() {
        #expect(Statistics.mean([1, 2, 6]) == 3)
        var watch = Stopwatch()
        let first = watch.lap(), second = watch.lap()
        #expect(first >= 0 && second >= 0)
    }

    @Test func splitMix64IsReproducible() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var c = SplitMix64(seed: 7, stream: 1), d = SplitMix64(seed: 7, stream: 2)
        #expect(c.next() != d.next())
    }
}
