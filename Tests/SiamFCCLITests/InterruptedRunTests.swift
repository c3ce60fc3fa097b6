import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSynthetic
import SiamFCSupport
import SiamFCVideo

/// SIGINT during `eval` and `track`: no partial output, and `eval --resume` finishes the job.
@Suite struct InterruptedRunTests {
    /// Three 100-frame synthetic sequences, long enough to interrupt with the bundled SiamFC
    /// model (the light default finishes them too soon to interrupt reliably).
    static func sequences(_ dir: String) throws -> String {
        for i in 1...3 {
            let demo = SyntheticSequence(configuration: .init(width: 240, height: 180, frameCount: 100, seed: UInt64(i)))
            try SequenceWriter.write(to: dir + "/seqs/s\(i)", frameCount: 100) { demo.frame($0) }
        }
        return dir + "/seqs"
    }

    static let model = ["--model", "siamfc-default"]

    @Test func evalStopsCleanlyAndResumeMatchesAnUninterruptedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let root = try Self.sequences(dir)
        let whole = try CLI.run(["eval", root, "--out", dir + "/whole", "--jobs", "1", "--quiet"] + Self.model)
        #expect(whole.status == 0, "\(whole.stderr)")

        let options = ["eval", root, "--out", dir + "/part", "--jobs", "1"] + Self.model + ["--quiet"]
        let stopped = try CLI.interrupt(options) {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/part/progress")) ?? []).contains("s1.json")
        }
        #expect(stopped.status == 1 && !stopped.signalled, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("interrupted: ") && stopped.stderr.contains("continue with the same command and --resume"))
        // No report from a partial run, and no half-written file anywhere.
        #expect(!FileSystem.isFile(dir + "/part/summary.json"))
        let left = try FileManager.default.subpathsOfDirectory(atPath: dir + "/part")
        #expect(left.allSatisfy { $0 == "progress" || ($0.hasPrefix("progress/") && $0.hasSuffix(".json")) }, "\(left)")

        let resumed = try CLI.run(options.dropLast() + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: ") && resumed.stderr.contains("of 3 sequences already finished"))
        for i in 1...3 {
            let a = try FileBytes.read(dir + "/whole/results/s\(i).txt"), b = try FileBytes.read(dir + "/part/results/s\(i).txt")
            #expect(a == b, "s\(i)")
        }
        #expect(!FileSystem.isDirectory(dir + "/part/progress"))

        // Saved results of another model are refused on resume.
        let other = try TrackCommandTests().fixture(dir + "/other", frames: 4)
        _ = try CLI.interrupt(["eval", root, "--out", dir + "/mixed", "--jobs", "1", "--quiet"] + Self.model) {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/mixed/progress")) ?? []).contains("s1.json")
        }
        let mismatch = try CLI.run(["eval", root, "--out", dir + "/mixed", "--model", other.model, "--resume", "--quiet"])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("resume with the same --model"), "\(mismatch.stderr)")
    }

    @Test func trackLeavesThePreviousOutputWhenInterrupted() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let demo = SyntheticSequence(configuration: .init(frameCount: 600))
        try SequenceWriter.write(to: dir + "/long", frameCount: 600) { demo.frame($0) }
        try FileSystem.createDirectories(dir + "/out")
        try writeFile(dir + "/out/boxes.csv", "previous\n")
        let started = Date()
        let stopped = try CLI.interrupt(["track", dir + "/long", "--out", dir + "/out/boxes.csv", "--overlay", dir + "/out/boxes.mp4",
                                         "--quiet"] + Self.model) {
            Date().timeIntervalSince(started) > 1
        }
        #expect(stopped.status == 1 && !stopped.signalled && stopped.stderr.contains("interrupted at frame"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("rows in \(dir)/out/boxes.csv.partial"), "\(stopped.stderr)")
        #expect(try String(contentsOfFile: dir + "/out/boxes.csv", encoding: .utf8) == "previous\n")
        #expect(stopped.stderr.contains("the overlay in \(dir)/out/boxes.mp4.partial"), "\(stopped.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted()
            == ["boxes.csv", "boxes.csv.partial", "boxes.mp4.partial"])
        // The rows tracked so far, complete: the header, then one whole row per frame in order.
        let rows = try String(contentsOfFile: dir + "/out/boxes.csv.partial", encoding: .utf8).split(separator: "\n")
        #expect(rows.count > 2 && rows.count < 601 && rows[0] == "frame,file,pts_seconds,x,y,w,h,score,status")
        for (i, row) in rows.dropFirst().enumerated() {
            #expect(row.hasPrefix("\(i + 1),") && (row.hasSuffix(",tracked") || row.hasSuffix(",initial")))
        }
        // The overlay video is finished, one frame per row.
        #expect(try VideoDecoder.countFrames(path: dir + "/out/boxes.mp4.partial") == rows.count - 1)
    }
}
