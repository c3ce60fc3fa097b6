import Foundation
import Testing
import SiamFCImageIO
import SiamFCSupport
import SiamFCSynthetic
import SiamFCTestSupport
import SiamFCVideo

/// `track`, `inspect`, `eval` and `bench` on video files the tests write with the project's
/// writer, and `track` on folders with damaged frames.
@Suite struct VideoCommandTests {
    /// The first `frames` demo frames as a video (and its ground truth beside it), and a random model.
    func fixture(_ dir: String, frames: Int = 8, name: String = "clip.mp4", codec: VideoCodec = .automatic) throws
        -> (video: String, folder: String, model: String) {
        let (sequence, model) = try TrackCommandTests().fixture(dir + "/images", frames: frames)
        try FileSystem.createDirectories(dir + "/video")
        let result = try CLI.run(["make-video", sequence, "--out", dir + "/video/" + name, "--fps", "25", "--codec", codec.rawValue])
        #expect(result.status == 0, "\(result.stderr)")
        try FileManager.default.copyItem(atPath: sequence + "/groundtruth_rect.txt", toPath: dir + "/video/groundtruth_rect.txt")
        return (dir + "/video/" + name, dir + "/video", model)
    }

    func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func trackAVideoFileWithFrameNumbersAndTimes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (video, _, model) = try fixture(dir)
        var result = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--quiet"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        var table = rows(result.stdout)
        #expect(result.stdout.hasPrefix("frame,file,pts_seconds,x,y,w,h,score,status\n"))
        #expect(table.count == 8)
        #expect(table.map { $0[0] } == (1...8).map(String.init) && table.allSatisfy { $0[1] == "clip.mp4" })
        #expect(table.map { $0[2] } == (0..<8).map { formatSeconds(Double($0) * 0.04) })
        #expect(table[0][3...6].joined(separator: ",") == "100,80,40,30" && table[0][8] == "initial")
        #expect(table.dropFirst().allSatisfy { $0[8] == "tracked" && Double($0[7]) != nil })

        // --start-frame, --start TIME and --frames; the box without --box comes from the folder's ground truth.
        result = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--start-frame", "3", "--frames", "4", "--quiet"])
        table = rows(result.stdout)
        #expect(result.status == 0 && table.map { $0[0] } == ["3", "4", "5", "6"], "\(result.stderr)")
        result = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--start", "0.2", "--quiet"])
        table = rows(result.stdout)
        #expect(result.status == 0 && table.map { $0[0] } == ["6", "7", "8"] && table[0][2] == "0.200", "\(result.stderr)")
        result = try CLI.run(["track", PathName.parent(video), "--model", model, "--start-frame", "2", "--format", "otb", "--quiet"])
        let truth = try #require(try FrameSequence(path: dir + "/images/seq").groundTruth?.box(at: 1))
        #expect(result.status == 0 && result.stdout.split(separator: "\n").first.map(String.init) == truth.description, "\(result.stderr)")

        // A video without --box, a start past the end, --start without --box: one-line errors.
        for arguments in [[video], [video, "--box", "1,1,9,9", "--start-frame", "20"], [PathName.parent(video), "--start", "1"]] {
            result = try CLI.run(["track"] + arguments + ["--model", model, "--quiet"])
            #expect(result.status != 0 && result.stderrLines.count == 1 && !result.crashed, "\(arguments): \(result.stderr)")
        }
    }

    @Test func overlayIsAVideoForAVideoNameAndWrittenAtomically() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (video, _, model) = try fixture(dir)
        try FileSystem.createDirectories(dir + "/out")
        let result = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--overlay", dir + "/out/boxes.mp4",
                                  "--out", dir + "/out/boxes.csv", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted() == ["boxes.csv", "boxes.mp4"])
        let reader = try VideoFrameReader(path: dir + "/out/boxes.mp4")
        #expect(reader.info.width == 320 && reader.info.height == 240 && reader.info.framesPerSecond == 25)
        #expect(try VideoDecoder.countFrames(path: dir + "/out/boxes.mp4") == 8)
        // The box is drawn: green about the left edge of the initial box, on the first frame.
        let first = try #require(try reader.next()).image
        let greenest = (95...104).map { x -> Int in
            let (r, g, b) = first[x, 95]
            return Int(g) - max(Int(r), Int(b))
        }.max() ?? 0
        #expect(greenest > 60, "\(greenest)")
        // A folder overlay of a video gets numbered JPEGs.
        let folder = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--overlay", dir + "/frames", "--quiet",
                                  "--frames", "3"])
        let written = try FileManager.default.contentsOfDirectory(atPath: dir + "/frames").sorted()
        #expect(folder.status == 0 && written == ["0001.jpg", "0002.jpg", "0003.jpg"])
    }

    @Test func inspectReportsTheVideo() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (video, folder, _) = try fixture(dir, frames: 6, name: "clip.mkv", codec: .ffv1)
        var result = try CLI.run(["inspect", video])
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["container:    Matroska / WebM", "codec:        FFmpeg video codec #1", "frame size:   320x240",
                     "rotation:     none", "frame rate:   25.000 frames/s", "frames:       6 (counted by decoding)",
                     "problems:     none"] {
            #expect(result.stdout.contains(line), "\(line) missing from \(result.stdout)")
        }
        result = try CLI.run(["inspect", folder])
        #expect(result.status == 0 && result.stdout.contains("ground truth: \(folder)/groundtruth_rect.txt, OTB, 6 lines"))
        try writeFile(folder + "/groundtruth_rect.txt", String(repeating: "1,1,5,5\n", count: 7))
        result = try CLI.run(["inspect", folder])
        #expect(result.status == 1 && result.stdout.contains("7 ground-truth lines for 6 frames") && result.stderrLines.count == 1)
    }

    @Test func notVideosAreOneLineErrorsEverywhere() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (video, _, model) = try fixture(dir, frames: 6)
        var g = SplitMix64(seed: 11)
        try writeFile(dir + "/garbage.mp4", (0..<20_000).map { _ in UInt8(truncatingIfNeeded: g.next()) })
        let whole = try FileBytes.read(video)
        try writeFile(dir + "/truncated.mp4", Array(whole.prefix(whole.count * 2 / 3)))
        for name in ["garbage.mp4", "truncated.mp4"] {
            for command in [["inspect"], ["track", "--box", "1,1,9,9", "--model", model], ["bench", "--box", "1,1,9,9", "--model", model]] {
                let result = try CLI.run([command[0], dir + "/" + name] + command.dropFirst())
                #expect(result.status == 1 && !result.crashed && result.stderrLines.count == 1, "\(command) \(name): \(result.stderr)")
                #expect(result.stderr.hasPrefix("Error: \(dir)/\(name): not a video file FFmpeg can read"), "\(result.stderr)")
            }
        }
    }

    @Test func evalAndBenchTakeAVideoSequence() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (_, folder, model) = try fixture(dir, frames: 8, codec: .h264)
        var result = try CLI.run(["eval", folder, dir + "/images/seq", "--model", model, "--out", dir + "/eval", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("video                      8        0"), "\(result.stdout)")
        #expect(FileSystem.isFile(dir + "/eval/results/video.txt") && FileSystem.isFile(dir + "/eval/results/seq.txt"))
        result = try CLI.run(["bench", folder, "--model", model, "--warmup", "2"])
        #expect(result.status == 0 && result.stdout.contains("320x240, 8 frames") && result.stdout.contains("measured: 5 frames"),
                "\(result.stdout)\(result.stderr)")
        result = try CLI.run(["bench", folder, "--model", model, "--warmup", "2", "--frames", "9"])
        #expect(result.status == 1 && result.stderr.contains("--frames can be at most 5"), "\(result.stderr)")
    }

    @Test func damagedFramesAreSkippedAndStrictKeepsTheRowsDone() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try TrackCommandTests().fixture(dir, frames: 8)
        let frame = sequence + "/img/0005.jpg"
        try writeFile(frame, Array(try FileBytes.read(frame).prefix(600)))
        try writeFile(dir + "/boxes.csv", "previous\n")
        var result = try CLI.run(["track", sequence, "--model", model, "--out", dir + "/boxes.csv", "--quiet"])
        #expect(result.status == 0 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr == "warning: 1 of 8 frames could not be decoded: \(frame): truncated JPEG (premature end of file); its row is marked skipped\n")
        let table = rows(try String(contentsOfFile: dir + "/boxes.csv", encoding: .utf8))
        #expect(table.count == 8 && table[4][8] == "skipped" && table[4][7] == "" && table[4][3...6] == table[3][3...6])
        #expect(table[5][8] == "tracked")

        try writeFile(dir + "/boxes.csv", "previous\n")
        result = try CLI.run(["track", sequence, "--model", model, "--out", dir + "/boxes.csv", "--quiet", "--strict"])
        #expect(result.status == 1 && result.stderrLines.count == 1)
        #expect(result.stderr.contains("0005.jpg: truncated JPEG") && result.stderr.contains("kept 4 rows in \(dir)/boxes.csv.partial"))
        #expect(try String(contentsOfFile: dir + "/boxes.csv", encoding: .utf8) == "previous\n")
        #expect(rows(try String(contentsOfFile: dir + "/boxes.csv.partial", encoding: .utf8)).map { $0[0] } == ["1", "2", "3", "4"])
        // A run that finishes supersedes the partial rows.
        result = try CLI.run(["track", sequence, "--model", model, "--out", dir + "/boxes.csv", "--quiet"])
        #expect(result.status == 0 && !FileSystem.exists(dir + "/boxes.csv.partial") && FileSystem.isFile(dir + "/boxes.csv"))

        // eval counts the skipped frame.
        result = try CLI.run(["eval", sequence, "--model", model, "--out", dir + "/eval", "--quiet"])
        #expect(result.status == 0 && result.stdout.contains("seq                        8        1"), "\(result.stdout)\(result.stderr)")
        let summary = try String(contentsOfFile: dir + "/eval/summary.json", encoding: .utf8)
        #expect(summary.contains("\"skippedFrames\" : 1"))
    }

    #if os(Linux)
    /// FFmpeg and the libraries it needs are loaded when a video is first opened, not at start.
    @Test func ffmpegIsNotLoadedAtStart() throws {
        // The dynamic loader lists what it would load at start, and exits (as ldd does).
        let result = try CLI.run([], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(result.status == 0 && result.stdout.contains("libc.so"), "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("libav") && !result.stdout.contains("libswscale"), "\(result.stdout)")
    }

    /// Without usable FFmpeg libraries, videos give a one-line error that names the library;
    /// folders still work.
    @Test func unloadableFFmpegIsAOneLineError() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (video, _, model) = try fixture(dir, frames: 3)
        // Files that are not libraries, under every name the loader might look for first.
        try FileSystem.createDirectories(dir + "/fake")
        for library in ["avutil", "swscale", "avcodec", "avformat"] {
            for major in 4...80 { try writeFile(dir + "/fake/lib\(library).so.\(major)", "not a library\n") }
        }
        let broken = ["LD_LIBRARY_PATH": dir + "/fake"]
        var result = try CLI.run(["inspect", video], environment: broken)
        #expect(result.status == 1 && !result.crashed && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("libavutil.so.") && result.stderr.contains("could not be loaded"), "\(result.stderr)")
        result = try CLI.run(["track", video, "--model", model, "--box", "100,80,40,30", "--quiet"], environment: broken)
        #expect(result.status == 1 && !result.crashed && result.stderrLines.count == 1, "\(result.stderr)")
        result = try CLI.run(["track", dir + "/images/seq", "--model", model, "--quiet"], environment: broken)
        #expect(result.status == 0, "\(result.stderr)")
    }
    #endif
}
