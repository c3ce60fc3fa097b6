import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

@Suite struct EvaluationMergeTests {
    /// Evaluates the three fixture sequences unsharded into `dir/all` and as `count` shards
    /// into `dir/shard<i>`; returns the unsharded report.
    func runShards(_ dir: String, count: Int) throws -> EvaluationReport {
        let model = try OnePassEvaluationTests().fixture(dir)
        let sequences = try OnePassEvaluation.discover([dir])
        let all = try OnePassEvaluation.run(sequences, model: model, jobs: 2)
        let report = EvaluationReport(tracker: "random", results: all)
        try EvaluationReport.write(all, report: report, to: dir + "/all")
        for i in 1...count {
            let shard = try #require(EvaluationShard(index: i, count: count))
            let results = try OnePassEvaluation.run(shard.select(sequences), model: model, jobs: 1)
            try EvaluationReport.write(results, report: EvaluationReport(tracker: "random", results: results, shard: shard,
                                                                          discoveredSequences: sequences.count),
                                       to: dir + "/shard\(i)")
        }
        return report
    }

    @Test func mergedShardsEqualTheUnshardedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let unsharded = try runShards(dir, count: 2)
        // Given in any order, the shards come back in the unsharded order.
        let merged = try EvaluationMerge.merge([dir + "/shard2", dir + "/shard1"])
        try EvaluationMerge.write(merged, to: dir + "/merged")
        let reloaded = try EvaluationReport.load(directory: dir + "/merged")
        #expect(reloaded.sequences.map(\.name) == ["seq1", "seq2", "seq3"])
        #expect(reloaded.sequences.map(\.curves) == unsharded.sequences.map(\.curves))
        #expect(reloaded.overall.curves == unsharded.overall.curves)
        #expect(reloaded.overall.successScore == unsharded.overall.successScore)
        #expect(reloaded.overall.frames == unsharded.overall.frames && reloaded.shard == nil)
        // The overall speed is the total frames over the total of the shards' recorded seconds.
        let seconds = reloaded.sequences.compactMap(\.seconds).reduce(0, +)
        #expect(reloaded.overall.framesPerSecond == Double(reloaded.overall.frames) / seconds)
        for name in ["seq1", "seq2", "seq3"] {
            #expect(try FileBytes.read(dir + "/merged/results/\(name).txt") == FileBytes.read(dir + "/all/results/\(name).txt"))
        }
        #expect(FileSystem.isFile(dir + "/merged/success.svg") && FileSystem.isFile(dir + "/merged/precision.png"))
    }

    @Test func moreShardsThanSequencesLeavesEmptyShardsThatStillMerge() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let unsharded = try runShards(dir, count: 4)
        #expect(try EvaluationReport.load(directory: dir + "/shard4").sequences.isEmpty)
        let merged = try EvaluationMerge.merge((1...4).map { dir + "/shard\($0)" })
        #expect(merged.report.sequences.map(\.name) == ["seq1", "seq2", "seq3"])
        #expect(merged.report.overall.curves == unsharded.overall.curves)
    }

    @Test func incompleteOrOverlappingShardsAreErrors() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        _ = try runShards(dir, count: 2)
        func message(_ directories: [String]) -> String {
            do {
                _ = try EvaluationMerge.merge(directories)
                return "merged"
            } catch {
                return "\(error)"
            }
        }
        #expect(message([dir + "/shard1"]).contains("shard 2/2 is missing"))
        #expect(message([dir + "/shard1", dir + "/all"]).contains("is also in"))
        #expect(message([dir + "/shard1", dir + "/shard1"]).contains("is also in"))
        let second = try EvaluationReport.load(directory: dir + "/shard2")
        try EvaluationReport(tracker: "random", sequences: second.sequences).writeSummary(to: dir + "/plain2")
        #expect(message([dir + "/shard1", dir + "/plain2"]).contains("plain2: not a shard"))
        try FileManager.default.removeItem(atPath: dir + "/shard2/results/seq2.txt")
        #expect(message([dir + "/shard1", dir + "/shard2"]).contains("seq2.txt: missing"))
        #expect(message([dir + "/nowhere"]).contains("nowhere/summary.json"))
        // Whole runs over disjoint sequences are concatenated in the order given.
        let merged = try EvaluationMerge.merge([dir + "/all"])
        #expect(merged.report.sequences.map(\.name) == ["seq1", "seq2", "seq3"] && merged.resultFiles.count == 3)
    }

    @Test func summariesAreCheckedAsInput() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        _ = try runShards(dir, count: 1)
        let path = dir + "/all/summary.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        func load(_ text: String) -> String {
            do {
                try writeFile(path, text)
                _ = try EvaluationReport.load(directory: dir + "/all")
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        // Summaries from before seconds were recorded still load.
        #expect(load(original.replacingOccurrences(of: #""seconds" : "#, with: #""oldSeconds" : "#)) == "loaded")
        #expect(load("{").hasPrefix(path + ": not a siamfc eval summary"))
        #expect(load(original.replacingOccurrences(of: #""name" : "seq2""#, with: #""name" : "../x""#)).contains("cannot be a file name"))
        #expect(load(original.replacingOccurrences(of: #""name" : "seq2""#, with: #""name" : "seq1""#)).contains("appears twice"))
        #expect(load(original.replacingOccurrences(of: #""success" : ["#, with: #""success" : [0.5, "#)).contains("wrong length"))
        #expect(load(original.replacingOccurrences(of: #""tracker""#, with: #""trackr""#)).contains("missing tracker"))
        #expect(load(original.replacingOccurrences(of: #""frames" : 5,"#, with: #""frames" : 9223372036854775807,"#)).contains("out of range"))
    }
}
