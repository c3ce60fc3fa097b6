import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// `siamfc eval --compare`.
@Suite struct EvalCompareCommandTests {
    /// The table row of `name`, split into its fields.
    func row(_ stdout: String, _ name: String) -> [String]? {
        stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }?.split(separator: " ").map(String.init)
    }

    func groundTruth(_ sequence: String) throws -> [BoundingBox] {
        try #require(try FrameSequence(path: sequence).groundTruth).boxes.map { try #require($0) }
    }

    @Test func comparesASiamfcOutputWithAnotherToolsResultFiles() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (root, model) = try EvalShardCommandTests.benchmark(dir)
        let run = try CLI.run(["eval", root, "--model", model, "--name", "tiny", "--out", dir + "/mine", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        // Another tool: exact boxes on a (tab separated), boxes moved one width right on b, nothing for c.
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        let a = try groundTruth(root + "/a"), b = try groundTruth(root + "/b")
        try writeFile(dir + "/other/a.txt", a.map { "\($0.x)\t\($0.y)\t\($0.width)\t\($0.height)\n" }.joined())
        try writeFile(dir + "/other/b.txt", b.map { "\($0.x + $0.width),\($0.y),\($0.width),\($0.height)\n" }.joined())

        let result = try CLI.run(["eval", root, "--compare", dir + "/mine", dir + "/other", "--out", dir + "/cmp"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("compared over 2 sequences: a, b"))
        #expect(result.stdout.contains("skipped 1: c (no results from other)"))
        // a: IoU 1 in every frame, success 1 below IoU 1 (20 of 21 thresholds), errors 0.
        // b: IoU 0 (the boxes only touch), centre error one width, normalised error 1.
        let precisionB = Double(b.filter { $0.width <= 20 }.count) / Double(b.count)
        let expected = ["other", "2", String(format: "%.3f", (20.0 / 21) / 2), String(format: "%.3f", (1 + precisionB) / 2), "0.500"]
        #expect(row(result.stdout, "other") == expected)
        // The siamfc output keeps its stored curves: the mean of its per-sequence figures.
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/mine/summary.json"))) as? [String: Any])
        let sequences = try #require(summary["sequences"] as? [[String: Any]]).filter { ["a", "b"].contains($0["name"] as? String) }
        func mean(_ key: String) -> String {
            String(format: "%.3f", sequences.compactMap { $0[key] as? Double }.reduce(0, +) / 2)
        }
        #expect(sequences.count == 2)
        #expect(row(result.stdout, "tiny") == ["tiny", "2", mean("successScore"), mean("precisionScore"), mean("normalizedPrecisionScore")])
        for file in ["success.png", "success.svg", "precision.png", "precision.svg", "comparison.json"] {
            #expect(FileSystem.isFile(dir + "/cmp/" + file), "\(file)")
        }
        #expect(!FileSystem.exists(dir + "/cmp/results"))  // nothing was tracked
        #expect(try String(contentsOfFile: dir + "/cmp/precision.svg", encoding: .utf8).contains("other ["))

        // Only siamfc outputs: no sequence folders needed; another tool's files need them.
        let stored = try CLI.run(["eval", "--compare", dir + "/mine", dir + "/mine", "--out", dir + "/cmp2"])
        #expect(stored.status == 0 && stored.stdout.contains("compared over 3 sequences"), "\(stored.stderr)")
        #expect(stored.stdout.contains("\ntiny (mine) ") && stored.stdout.contains("\ntiny (mine) #2 "))
        let foreign = try CLI.run(["eval", "--compare", dir + "/mine", dir + "/other", "--out", dir + "/cmp3"])
        #expect(foreign.status == 1 && foreign.stderrLines.count == 1 && foreign.stderr.contains("give the sequence folders"))
    }

    @Test func comparesAModelEvaluatedInTheSameRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (root, model) = try EvalShardCommandTests.benchmark(dir)
        try FileManager.default.createDirectory(atPath: dir + "/other/results", withIntermediateDirectories: true)
        for name in ["a", "b", "c"] {
            try writeFile(dir + "/other/results/\(name).txt", try groundTruth(root + "/" + name).map { $0.description + "\n" }.joined())
        }
        let result = try CLI.run(["eval", root, "--model", model, "--name", "fresh", "--compare", dir + "/other",
                                  "--out", dir + "/cmp", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(row(result.stdout, "fresh")?[1] == "3")
        // The ground truth itself: every threshold but IoU > 1, and no centre error.
        #expect(row(result.stdout, "other") == ["other", "3", String(format: "%.3f", 20.0 / 21), "1.000", "1.000"])
        #expect(FileSystem.isFile(dir + "/cmp/results/a.txt") && FileSystem.isFile(dir + "/cmp/summary.json"))
        // A result file that does not parse is a one-line error naming it and the line.
        try writeFile(dir + "/other/results/b.txt", "1,2,3,4\nx,2,3,4\n")
        let bad = try CLI.run(["eval", root, "--compare", dir + "/other", "--out", dir + "/cmp4"])
        #expect(bad.status == 1 && bad.stderrLines.count == 1 && bad.stderr.contains("other/results/b.txt: line 2"), "\(bad.stderr)")
    }
}
