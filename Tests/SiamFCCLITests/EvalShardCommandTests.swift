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

    /// `--shard auto` in a Slurm job array and a Kubernetes Indexed Job picks the same sequences
    /// as the explicit `--shard i/n`, and says what it lacks when neither is there.
    @Test func shardAutoReadsTheSchedulersEnvironment() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (root, model) = try Self.benchmark(dir)
        let common = ["eval", root, "--model", model, "--quiet"]
        // Slurm counts its task ids from SLURM_ARRAY_TASK_MIN (here 1): task 2 is shard 2/3.
        let slurm = try CLI.run(common + ["--shard", "auto", "--out", dir + "/slurm"], prefix: [
            "/usr/bin/env", "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=1", "JOB_COMPLETION_INDEX=",
        ])
        #expect(slurm.status == 0 && slurm.stdout.contains("shard 2/3: 1 of 3 sequences"), "\(slurm.stderr)")
        // Kubernetes' completion index is 0-based and its count comes from --shard-count.
        let kubernetes = try CLI.run(common + ["--shard", "auto", "--shard-count", "3", "--out", dir + "/k8s"], prefix: [
            "/usr/bin/env", "-u", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX=1",
        ])
        #expect(kubernetes.status == 0 && kubernetes.stdout.contains("shard 2/3: 1 of 3 sequences"), "\(kubernetes.stderr)")
        let explicit = try CLI.run(common + ["--shard", "2/3", "--out", dir + "/explicit"])
        #expect(explicit.status == 0)
        for out in ["slurm", "k8s"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/\(out)/results") == ["b.txt"])
            #expect(FileManager.default.contentsEqual(atPath: dir + "/\(out)/results/b.txt", andPath: dir + "/explicit/results/b.txt"))
        }
        let neither = try CLI.run(common + ["--shard", "auto", "--out", dir + "/none"], prefix: [
            "/usr/bin/env", "-u", "SLURM_ARRAY_TASK_ID", "-u", "JOB_COMPLETION_INDEX",
        ])
        #expect(neither.status == 1 && neither.stderrLines.count == 1 && neither.stderr.contains("SLURM_ARRAY_TASK_ID"), "\(neither.stderr)")
        let countWithoutAuto = try CLI.run(common + ["--shard", "1/3", "--shard-count", "3"])
        #expect(countWithoutAuto.status == 64 && countWithoutAuto.stderr.contains("--shard-count goes with --shard auto"))
    }
}
