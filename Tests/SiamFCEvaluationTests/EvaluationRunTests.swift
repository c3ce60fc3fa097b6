import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCImageIO
import SiamFCSupport
import SiamFCTestSupport
import SiamFCTracker

@Suite struct EvaluationRunTests {
    /// Stops the run once `limit` sequences have finished (asked from concurrent workers).
    final class StopAfter: @unchecked Sendable {
        private let lock = Lock()
        private var finished = 0
        let limit: Int
        init(_ limit: Int) { self.limit = limit }
        func finish() { lock.withLock { finished += 1 } }
        var shouldStop: Bool { lock.withLock { finished >= limit } }
    }

    final class Counts: @unchecked Sendable {
        private let lock = Lock()
        private var list: [Int] = []
        func append(_ n: Int) { lock.withLock { list.append(n) } }
        var values: [Int] { lock.withLock { list } }
    }

    @Test func interruptedRunResumesToTheUninterruptedResults() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try OnePassEvaluationTests().fixture(dir + "/seqs")
        let sequences = try OnePassEvaluation.discover([dir + "/seqs"])
        let whole = EvaluationRun(sequences: sequences, model: model, trackerName: "random", outputDirectory: dir + "/whole", jobs: 1)
        let (expected, expectedResults) = try whole.track(resume: false)

        let run = EvaluationRun(sequences: sequences, model: model, trackerName: "random", outputDirectory: dir + "/out", jobs: 1)
        let stop = StopAfter(1)
        let error = #expect(throws: EvaluationRun.Interrupted.self) {
            _ = try run.track(resume: false, progress: { _, _, _ in stop.finish() }, shouldStop: { stop.shouldStop })
        }
        #expect(error?.finished == 1 && error?.total == 3)
        #expect(error?.description.contains("--resume") == true)

        var logged: [String] = []
        let done = Counts()
        let (report, results) = try run.track(resume: true, log: { logged.append($0) }, progress: { _, n, _ in done.append(n) })
        #expect(logged == ["resuming: 1 of 3 sequences already finished"])
        #expect(results.map(\.boxes) == expectedResults.map(\.boxes))
        #expect(report.sequences.map(\.name) == expected.sequences.map(\.name))
        #expect(done.values == [1, 2])

        try run.write(report, results: results)
        #expect(FileSystem.isFile(dir + "/out/summary.json") && FileSystem.isFile(dir + "/out/success.png"))
        #expect(!FileSystem.exists(dir + "/out/progress"))
    }

    @Test func savedResultsOfOtherSettingsAreRefused() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try OnePassEvaluationTests().fixture(dir + "/seqs")
        let sequences = try OnePassEvaluation.discover([dir + "/seqs"])
        let first = EvaluationRun(sequences: sequences, model: model, trackerName: "t", outputDirectory: dir + "/out", jobs: 1)
        let stop = StopAfter(1)
        _ = try? first.track(resume: false, progress: { _, _, _ in stop.finish() }, shouldStop: { stop.shouldStop })
        let other = EvaluationRun(sequences: sequences, model: model.with(configuration: .fiveScale), trackerName: "t",
                                  outputDirectory: dir + "/out", jobs: 1)
        let error = #expect(throws: EvaluationError.self) { _ = try other.track(resume: true) }
        #expect(error?.description.contains("SiamFC, 3 scales") == true)
    }

    @Test func aShardTracksItsSequencesOnly() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try OnePassEvaluationTests().fixture(dir + "/seqs")
        let sequences = try OnePassEvaluation.discover([dir + "/seqs"])
        let run = EvaluationRun(sequences: sequences, shard: EvaluationShard(index: 2, count: 2), model: model, trackerName: "t",
                                outputDirectory: dir + "/out", jobs: 2)
        let (report, results) = try run.track(resume: false)
        #expect(results.map(\.name) == ["seq2"])
        #expect(report.shard == EvaluationShard(index: 2, count: 2) && report.discoveredSequences == 3)
    }
}
