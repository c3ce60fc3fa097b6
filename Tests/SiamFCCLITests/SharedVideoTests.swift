import Foundation
import Testing
import SiamFCImageIO
import SiamFCSupport
import SiamFCTestSupport

/// The checks on the shared Crossing sequence with fdsiamfc30: its video tracks as its
/// folder does, and a damaged frame costs one row, not the run.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct SharedVideoTests {
    static func overallAUC(_ directory: String) throws -> Double {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
        let overall = (json as? [String: Any])?["overall"] as? [String: Any]
        return try #require(overall?["successScore"] as? Double)
    }

    @Test func crossingAsAVideoTracksWithinTwoHundredthsOfTheFolder() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let crossing = try SharedData.path("sequences/Crossing")
        let model = try SharedData.path("models/fdsiamfc30.safetensors")
        try FileSystem.createDirectories(dir + "/Crossing")
        var result = try CLI.run(["make-video", crossing, "--out", dir + "/Crossing/Crossing.mp4"])
        #expect(result.status == 0, "\(result.stderr)")
        try FileManager.default.copyItem(atPath: crossing + "/groundtruth_rect.txt", toPath: dir + "/Crossing/groundtruth_rect.txt")

        result = try CLI.run(["inspect", dir + "/Crossing/Crossing.mp4"])
        #expect(result.status == 0 && result.stdout.contains("frames:       120 (counted by decoding)")
            && result.stdout.contains("frame size:   360x240"), "\(result.stdout)\(result.stderr)")

        result = try CLI.run(["eval", dir + "/Crossing", "--model", model, "--out", dir + "/video", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["eval", crossing, "--model", model, "--out", dir + "/folder", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let (video, folder) = (try Self.overallAUC(dir + "/video"), try Self.overallAUC(dir + "/folder"))
        #expect(abs(video - folder) <= 0.02, "video \(video), folder \(folder)")
        #expect(folder > 0.7)
    }

    @Test func crossingWithFrame50TruncatedLosesOneRow() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let crossing = try SharedData.path("sequences/Crossing")
        let model = try SharedData.path("models/fdsiamfc30.safetensors")
        try FileSystem.createDirectories(dir + "/Crossing/img")
        for name in try FileManager.default.contentsOfDirectory(atPath: crossing + "/img") {
            try writeFile(dir + "/Crossing/img/" + name, try FileBytes.read(crossing + "/img/" + name))
        }
        try writeFile(dir + "/Crossing/groundtruth_rect.txt", try FileBytes.read(crossing + "/groundtruth_rect.txt"))
        let cut = dir + "/Crossing/img/0050.jpg"
        let bytes = try FileBytes.read(cut)
        try writeFile(cut, Array(bytes.prefix(bytes.count / 2)))

        var result = try CLI.run(["track", dir + "/Crossing", "--model", model, "--out", dir + "/boxes.csv", "--quiet"])
        #expect(result.status == 0 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1 of 120 frames could not be decoded: \(cut): truncated JPEG"))
        let rows = try String(contentsOfFile: dir + "/boxes.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 120)
        for (i, row) in rows.enumerated() {
            let status = row.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init)
            #expect(status == (i == 0 ? "initial" : i == 49 ? "skipped" : "tracked"), "row \(i + 1): \(row)")
        }

        result = try CLI.run(["track", dir + "/Crossing", "--model", model, "--out", dir + "/strict.csv", "--quiet", "--strict"])
        #expect(result.status == 1 && result.stderrLines.count == 1 && !FileSystem.exists(dir + "/strict.csv"), "\(result.stderr)")
        let kept = try String(contentsOfFile: dir + "/strict.csv.partial", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(kept.count == 49 && kept.last?.hasPrefix("49,0049.jpg,") == true)
    }
}
