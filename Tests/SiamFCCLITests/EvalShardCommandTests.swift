import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSynthetic
import SiamFCSupport

/// `siamfc eval --shard` and `--merge`.
@Suite struct EvalShardCommandTests {
    /// Three short synthetic sequences in `dir/seqs` (a, b, c) and a small random model.
    static func benchmark(_ dir: String) throws -> (root: String, model: String) {
        let (_, model) = try TrackCommandTests().fixture(dir, frames: 4)
        for (name, seed) in [("a", 1), ("b", 2), ("c", 3)] as [(String, UInt64)] {
            let demo = SyntheticSequence(configuration: .init(frameCount: 4, seed: seed))
            try SequenceWriter.write(to: dir + "/seqs/" + name, frameCount: 4) { demo.frame($0) }
        }
        return (dir + "/seqs", model)
    }

    /// summary.json without its timings (the one thing a rerun changes).
    static func summaryWithoutTimings(_ path: String) throws -> NSDictionary {
        var summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        func strip(_ entry: Any?) -> [String: Any]? {
            guard var entry = entry as? [String: Any] else { return nil }
            entry["framesPerSecond"] = nil
            entry["seconds"] = nil
            return entry
        }
        summary["overall"] = strip(summary["overall"])
        summary["sequences"] = (summary["sequences"] as? [Any])?.compactMap(strip)
        return summary as NSDictionary
    }

    @Test func shardsMergedEqualTheUnshardedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (root, model) = try Self.benchmark(dir)
        let common = ["--model", model, "--name", "tiny", "--quiet"]
        let whole = try CLI.run(["eval", root, "--out", dir + "/all"] + common)
        #expect(whole.status == 0, "\(whole.stderr)")
        let first = try CLI.run(["eval", root, "--shard", "1/2", "--out", dir + "/s1"] + common)
        let second = try CLI.run(["eval", root, "--shard", "2/2", "--out", dir + "/s2", "--jobs", "1"] + common)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        #expect(first.stdout.contains("shard 1/2: 2 of 3 sequences") && second.stdout.contains("shard 2/2: 1 of 3 sequences"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/s1/results").sorted() == ["a.txt", "c.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/s2/results") == ["b.txt"])

        let merged = try CLI.run(["eval", "--merge", dir + "/s2", dir + "/s1", "--out", dir + "/merged"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Self.summaryWithoutTimings(dir + "/merged/summary.json") == Self.summaryWithoutTimings(dir + "/all/summary.json"))
        for name in ["a", "b", "c"] {
            #expect(try FileBytes.read(dir + "/merged/results/\(name).txt") == FileBytes.read(dir + "/all/results/\(name).txt"))
        }
        #expect(FileSystem.isFile(dir + "/merged/success.png") && FileSystem.isFile(dir + "/merged/precision.svg"))
        // The same table but for the fps column.
        func rows(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.split(separator: " ") }
                .filter { ["a", "b", "c", "overall"].contains($0.first ?? "") }.map { $0.dropLast().joined(separator: " ") }
        }
        #expect(rows(merged.stdout).count == 4 && rows(merged.stdout) == rows(whole.stdout))

        // Overlapping or incomplete sets of shards are one-line errors.
        for (inputs, message) in [([dir + "/s1", dir + "/s1"], "is also in"), ([dir + "/s1"], "shard 2/2 is missing"),
                                  ([dir + "/s1", dir + "/all"], "is also in")] {
            let result = try CLI.run(["eval", "--merge"] + inputs + ["--out", dir + "/bad"])
            #expect(result.status == 1 && result.stderrLines.count == 1 && result.stderr.contains(message), "\(result.stderr)")
        }
        #expect(!FileSystem.exists(dir + "/bad"))
    }

    @Test func badShardArgumentsAreRefused() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        for bad in ["0/2", "3/2", "2", "a/b", "1/0", "-1/2", "1/2/3", "1.5/2", " 1/2"] {
            // The = form, so that "-1/2" reaches the option rather than looking like a flag.
            let result = try CLI.run(["eval", dir, "--model", "m", "--shard=" + bad])
            #expect(result.status == 64 && !result.crashed && result.stderr.contains("--shard takes i/n"), "\(bad): \(result.stderr)")
        }
        let empty = try CLI.run(["eval", dir, "--model", "m", "--shard", ""])
        #expect(empty.status == 64 && empty.stderr.contains("--shard takes i/n"))
        let combined = try CLI.run(["eval", dir, "--shard", "1/2", "--compare", dir])
        #expect(combined.status == 64 && combined.stderr.contains("--shard cannot be combined with --compare"))
        let mergeWithPaths = try CLI.run(["eval", dir, "--merge", dir + "/x"])
        #expect(mergeWithPaths.status == 64 && mergeWithPaths.stderr.contains("--merge takes only"))
        let nothing = try CLI.run(["eval"])
        #expect(nothing.status == 64 && nothing.stderr.contains("give the sequence folders"))
    }
}
