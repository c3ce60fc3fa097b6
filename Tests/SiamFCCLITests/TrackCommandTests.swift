import Foundation
import Testing
import SiamFCEngine
import SiamFCImageIO
import SiamFCTracker
import SiamFCTestSupport
import SiamFCSynthetic
import SiamFCSupport

/// `siamfc track` on a short synthetic sequence with a small random-weight model.
@Suite struct TrackCommandTests {
    /// Writes the first `frames` demo frames (OTB layout) and a random model; returns paths.
    func fixture(_ dir: String, frames: Int = 6) throws -> (sequence: String, model: String) {
        let demo = SyntheticSequence(configuration: .init(frameCount: frames))
        try SequenceWriter.write(to: dir + "/seq", frameCount: frames) { demo.frame($0) }
        var g = SplitMix64(seed: 5)
        let state = AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g).stateDict()
        var prefixed: [String: Tensor] = [:]
        for (k, v) in state { prefixed["backbone." + k] = v }
        try SafetensorsFile(tensors: prefixed).write(to: dir + "/model.safetensors")
        return (dir + "/seq", dir + "/model.safetensors")
    }

    @Test func writesOneCSVRowPerFrameStartingWithTheGroundTruth() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try fixture(dir)
        let result = try CLI.run(["track", sequence, "--model", model, "--out", dir + "/boxes.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: dir + "/boxes.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0] == "frame,file,pts_seconds,x,y,w,h,score,status")
        let truth = try #require(try FrameSequence(path: sequence).groundTruth?.box(at: 0))
        #expect(lines[1] == "1,0001.jpg,,\(truth),,initial")
        for (i, line) in lines.dropFirst(2).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields.count == 9 && fields[0] == "\(i + 2)" && fields[2] == "" && Double(fields[7]) != nil && fields[8] == "tracked")
            #expect(fields[3...6].allSatisfy { Double($0)?.isFinite == true })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["boxes.csv", "model.safetensors", "seq"])
    }

    @Test func otbFormatToStandardOutputWithAnExplicitBox() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try fixture(dir)
        let result = try CLI.run(["track", sequence + "/img", "--model", model, "--box", "100,80,40,30", "--format", "otb", "--scales", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 6 && lines[0] == "100,80,40,30")
        #expect(lines.allSatisfy { $0.split(separator: ",").compactMap { Double($0) }.count == 4 })
    }

    @Test func overlayAndContactSheet() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try fixture(dir)
        let result = try CLI.run(["track", sequence, "--model", model, "--overlay", dir + "/overlay",
                                  "--contact-sheet", dir + "/sheet.png", "--every", "2", "--out", dir + "/b.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/overlay").sorted().first == "0001.jpg")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/overlay").count == 6)
        let sheet = try ImageDecoder().decode(file: dir + "/sheet.png")
        #expect(sheet.width == 3 * 244 + 4)  // three tiles (frames 1, 3, 5) of 240 px and gaps
    }

    @Test func withoutModelTheBundledModelTracks() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try fixture(dir)
        let result = try CLI.run(["track", sequence, "--format", "otb"])
        #expect(result.status == 0, "\(result.stderr)")
        let truth = try #require(try FrameSequence(path: sequence).groundTruth?.box(at: 0))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // How well it tracks is BundledModelTests' subject; here: it runs without --model.
        #expect(lines.count == 6 && lines[0] == truth.description)
        #expect(lines.allSatisfy { $0.split(separator: ",").compactMap { Double($0) }.filter(\.isFinite).count == 4 })
    }

    @Test func refusalsAreOneLineErrors() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try fixture(dir)
        // A binary copied away from its build folder has no bundled model: it says so.
        try FileManager.default.copyItem(atPath: CLI.executable, toPath: dir + "/siamfc")
        var result = try CLI.run(["track", sequence], executable: dir + "/siamfc")
        #expect(result.status == 1 && result.stderrLines.count == 1 && result.stderr.contains("light-default.safetensors) is not next to this executable"))
        // No box and no ground truth.
        try FileManager.default.removeItem(atPath: sequence + "/groundtruth_rect.txt")
        result = try CLI.run(["track", sequence, "--model", model])
        #expect(result.status == 1 && result.stderr.contains("pass --box"))
        // A malformed box.
        result = try CLI.run(["track", sequence, "--model", model, "--box", "1,2,3"])
        #expect(result.status != 0 && result.stderr.contains("--box takes x,y,w,h"))
        // A frame of another size, named in the error with --strict, skipped without it.
        try ImageEncoder.write(RGBImage(width: 100, height: 100), to: sequence + "/img/0004.jpg")
        result = try CLI.run(["track", sequence, "--model", model, "--box", "100,80,40,30", "--strict", "--quiet"])
        #expect(result.status == 1 && result.stderrLines.count == 1)
        #expect(result.stderr.contains("0004.jpg: frame 4 is 100x100, the first frame was 320x240"))
        result = try CLI.run(["track", sequence, "--model", model, "--box", "100,80,40,30", "--quiet"])
        #expect(result.status == 0 && result.stderrLines.count == 1, "\(result.stderr)")
        let row4 = result.stdout.split(separator: "\n").first { $0.hasPrefix("4,0004.jpg,,") }
        #expect(result.stderr.contains("1 of 6 frames could not be decoded") && row4?.hasSuffix(",,skipped") == true)
        // A model with a missing tensor, named.
        var broken = try SafetensorsFile.read(path: model)
        broken.tensors["backbone.conv4.0.bias"] = nil
        try broken.write(to: dir + "/broken.safetensors")
        result = try CLI.run(["track", sequence, "--model", dir + "/broken.safetensors", "--box", "100,80,40,30"])
        #expect(result.status == 1 && result.stderr.contains("missing tensor backbone.conv4.0.bias"))
        // No partial output file is left behind by a failed run.
        result = try CLI.run(["track", sequence, "--model", model, "--box", "100,80,40,30", "--out", dir + "/partial.csv", "--strict"])
        #expect(result.status == 1 && !FileManager.default.fileExists(atPath: dir + "/partial.csv"))
        #expect(FileManager.default.fileExists(atPath: dir + "/partial.csv.partial"))
    }
}
