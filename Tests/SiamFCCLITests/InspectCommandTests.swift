import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport

/// Each bad input gives a one-line error naming the path and the problem, exit status 1, and
/// no crash.
@Suite struct InspectCommandTests {
    /// Runs `siamfc inspect <path>` and checks the shape every failure must have.
    func expectOneLineError(_ path: String, mentions phrases: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed, "crashed: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status == 1, "status \(result.status)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let line = result.stderrLines.first ?? ""
        #expect(line.contains(path), "\(line)", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(line.contains(phrase), "'\(phrase)' missing from: \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test func validSequenceReportsCountsSizeAndGroundTruth() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try makeSequence(dir + "/seq", frames: 4)
        let result = try CLI.run(["inspect", dir + "/seq"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("frames:       4 in \(dir)/seq/img [JPEG 4]"))
        #expect(result.stdout.contains("frame size:   24x16"))
        #expect(result.stdout.contains("groundtruth_rect.txt, OTB, 4 lines, 0 without a box"))
        #expect(result.stdout.contains("problems:     none"))
        #expect(result.stderr.isEmpty)
    }

    @Test func missingFolder() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try expectOneLineError(dir + "/nowhere", mentions: ["no such file or directory"])
    }

    @Test func emptyFolder() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try expectOneLineError(dir, mentions: ["empty folder"])
    }

    @Test func folderWithoutImages() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeFile(dir + "/notes.txt", "hello")
        try writeFile(dir + "/groundtruth_rect.txt", "1,2,3,4\n")
        try expectOneLineError(dir, mentions: ["no image files"])
    }

    @Test func zeroByteFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeFile(dir + "/0001.jpg", [])
        try expectOneLineError(dir + "/0001.jpg", mentions: ["empty file"])
        // Inside a sequence it is one of the listed problems.
        try makeSequence(dir + "/seq", frames: 2)
        try writeFile(dir + "/seq/img/0002.jpg", [])
        try expectOneLineError(dir + "/seq", mentions: ["1 problem", "0002.jpg: empty file"])
    }

    @Test func truncatedJPEG() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let jpeg = try ImageEncoder.jpeg(testImage(width: 64, height: 64))
        try writeFile(dir + "/cut.jpg", Array(jpeg.prefix(jpeg.count / 2)))
        try expectOneLineError(dir + "/cut.jpg", mentions: ["truncated JPEG"])
    }

    @Test func truncatedPNG() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let png = try ImageEncoder.png(testImage(width: 64, height: 64))
        try writeFile(dir + "/cut.png", Array(png.prefix(png.count / 2)))
        try expectOneLineError(dir + "/cut.png", mentions: ["truncated PNG"])
    }

    @Test func randomBytesNamedJPEG() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // A random first byte of 0xFF could start a JPEG signature; make sure it does not.
        try writeFile(dir + "/noise.jpg", [0x00] + bytes)
        try expectOneLineError(dir + "/noise.jpg", mentions: ["not a JPEG or PNG file"])
    }

    @Test func pngWithBadCRC() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var png = try ImageEncoder.png(testImage())
        png[29] ^= 0x55  // IHDR CRC
        try writeFile(dir + "/crc.png", png)
        try expectOneLineError(dir + "/crc.png", mentions: ["corrupt PNG", "CRC"])
    }

    @Test func groundTruthWithMalformedLine() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try makeSequence(dir + "/seq", frames: 3, groundTruth: "1,2,3,4\n1,2,3,4\n1,2;x,4\n")
        try expectOneLineError(dir + "/seq", mentions: ["groundtruth_rect.txt: line 3", "\"x\" is not a number"])
    }

    @Test func groundTruthLongerThanSequence() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try makeSequence(dir + "/seq", frames: 2, groundTruth: "1,2,3,4\n1,2,3,4\n1,2,3,4\n")
        try expectOneLineError(dir + "/seq", mentions: ["3 ground-truth lines for 2 frames"])
    }

    @Test func unreadableFile() throws {
        // A world-readable folder, so that an unprivileged user reaches the file itself.
        let dir = NSTemporaryDirectory() + "/siamfc-perm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { removeTemporary(dir) }
        try writeFile(dir + "/locked.jpg", try ImageEncoder.jpeg(testImage()))
        chmod(dir + "/locked.jpg", 0)
        if getuid() != 0 {
            try expectOneLineError(dir + "/locked.jpg", mentions: ["permission denied"])
            return
        }
        // Root reads every file, so run the CLI as `nobody`, from a copy that user can execute.
        let binary = dir + "/siamfc"
        try FileManager.default.copyItem(atPath: CLI.executable, toPath: binary)
        chmod(binary, 0o755)
        let result = try CLI.run(
            ["inspect", dir + "/locked.jpg"], executable: binary,
            prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(!result.crashed)
        #expect(result.status == 1)
        #expect(result.stderrLines == ["Error: \(dir)/locked.jpg: permission denied"])
    }

    @Test func pathWithSpacesAndNonASCII() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let seq = dir + "/vidéo clips/séquence 1 – ü"
        try makeSequence(seq, frames: 2)
        let result = try CLI.run(["inspect", seq])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("sequence:     séquence 1 – ü"))
        try writeFile(seq + "/img/0003.jpg", [1, 2, 3])
        try expectOneLineError(seq, mentions: ["\(seq)/img/0003.jpg: not a JPEG or PNG file"])
    }
}

@Suite struct CommandLineTests {
    @Test(arguments: [[], ["inspect"], ["make-demo"]])
    func everyCommandHasHelp(_ command: [String]) throws {
        let result = try CLI.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: siamfc"))
    }

    @Test func makeDemoWritesASequenceThatInspects() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let made = try CLI.run(["make-demo", "--out", dir + "/demo", "--frames", "6", "--seed", "7"])
        #expect(made.status == 0, "\(made.stderr)")
        let result = try CLI.run(["inspect", dir + "/demo"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("frames:       6 in \(dir)/demo/img [JPEG 6]"))
        #expect(result.stdout.contains("frame size:   320x240"))
        #expect(result.stdout.contains("OTB, 6 lines, 0 without a box"))
    }

    @Test func badOptionIsAOneLineError() throws {
        let result = try CLI.run(["make-demo", "--frames", "0"])
        #expect(result.status != 0)
        #expect(!result.crashed)
        #expect(result.stderr.contains("--frames must be in 1...100000"))
    }
}
