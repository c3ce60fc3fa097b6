import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCTracker

@Suite struct SpeedBenchmarkTests {
    @Test func shortSequencesArePlayedBackAndForth() {
        #expect((0..<9).map { SpeedBenchmark.bounce($0, count: 4) } == [0, 1, 2, 3, 2, 1, 0, 1, 2])
        #expect(SpeedBenchmark.bounce(7, count: 1) == 0)
        let benchmark = SpeedBenchmark(files: ["a", "b", "c"], initialBox: BoundingBox(x: 1, y: 1, width: 2, height: 2),
                                       warmup: 2, measured: 3)
        #expect(benchmark.playlist == ["a", "b", "c", "b", "a", "b"])
    }

    @Test func measuresEveryStageOfTheMeasuredUpdates() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try OnePassEvaluationTests().fixture(dir + "/seqs")
        let sequence = try FrameSequence(path: dir + "/seqs/seq1")
        let box = try #require(sequence.groundTruth?.box(at: 0))
        let benchmark = SpeedBenchmark(files: sequence.frames, initialBox: box, warmup: 1, measured: 6)
        let speed = try benchmark.measure(model, name: "random")
        #expect(speed.stages.map(\.key) == ["decode", "crop", "backbone", "correlation", "upsampleAndPeak", "total"])
        #expect(Set(speed.milliseconds.keys) == Set(speed.stages.map(\.key)))
        #expect(speed.milliseconds.values.allSatisfy { $0.median >= 0 && $0.p90 >= $0.median })
        #expect(speed.framesPerSecond > 0 && speed.backboneFLOPsPerFrame == model.backboneFLOPsPerUpdate)
        let report = SpeedBenchmark.Report(sequence: "seq1", path: dir, frameWidth: 1, frameHeight: 1, sequenceFrames: 5,
                                           initialBox: [1, 2, 3, 4], measuredFrames: 6, warmupUpdates: 1, scales: 3, threads: 2,
                                           models: [speed])
        for label in ["decode", "crop+resize", "cross-correlation", "upsample+peak", "total", "frames/s (end to end)"] {
            #expect(report.table.contains(label))
        }
    }
}
