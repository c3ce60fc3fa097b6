import Foundation
import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

@Suite struct FrameSequenceTests {
    /// Writes tiny valid PNG frames with the given names into `dir`.
    func makeFrames(_ dir: String, _ names: [String]) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let bytes = try ImageEncoder.png(gradientImage(width: 8, height: 6))
        for name in names { try writeFile(dir + "/" + name, bytes) }
    }

    @Test func naturalOrder() {
        let names = ["10.jpg", "2.jpg", "1.jpg", "frame_100.png", "frame_20.png", "B.jpg", "a.jpg", "0003.jpg"]
        #expect(NaturalOrder.sorted(names) == ["1.jpg", "2.jpg", "0003.jpg", "10.jpg", "a.jpg", "B.jpg", "frame_20.png", "frame_100.png"])
        #expect(NaturalOrder.areInIncreasingOrder("img99999999999999999999.jpg", "img100000000000000000000.jpg"))
    }

    @Test func listsImagesFromImgSubfolderInNaturalOrder() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        try makeFrames(root + "/img", ["10.jpg", "2.jpg", "1.PNG", ".hidden.jpg", "._1.jpg"])
        try writeFile(root + "/img/notes.txt", "not a frame")
        try FileManager.default.createDirectory(atPath: root + "/img/sub.jpg", withIntermediateDirectories: true)
        try writeFile(root + "/groundtruth_rect.txt", "1,1,2,2\n1,1,2,2\n1,1,2,2\n")
        let sequence = try FrameSequence(path: root)
        #expect(sequence.framesDirectory == root + "/img")
        #expect(sequence.frames.map { PathName.lastComponent($0) } == ["1.PNG", "2.jpg", "10.jpg"])
        #expect(sequence.groundTruth?.format == .otb)
        #expect(sequence.groundTruth?.lineCount == 3)

        // Opening the img/ folder itself finds the ground truth in its parent.
        let viaImg = try FrameSequence(path: root + "/img")
        #expect(viaImg.frames.count == 3)
        #expect(viaImg.groundTruth?.lineCount == 3)
        #expect(viaImg.name == PathName.lastComponent(root))
    }

    @Test func fewerGroundTruthLinesThanFramesIsFine() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        try makeFrames(root, ["00000001.jpg", "00000002.jpg", "00000003.jpg"])
        try writeFile(root + "/groundtruth.txt", "1,1,5,5,1,5,5,1\n")
        let sequence = try FrameSequence(path: root)
        #expect(sequence.groundTruth?.format == .vot)
        #expect(sequence.groundTruth?.box(at: 0) == BoundingBox(x: 1, y: 1, width: 4, height: 4))
        #expect(sequence.groundTruth?.box(at: 2) == nil)
    }

    @Test func moreGroundTruthLinesThanFramesIsAnError() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        try makeFrames(root + "/img", ["1.jpg", "2.jpg"])
        try writeFile(root + "/groundtruth_rect.txt", "1,1,2,2\n1,1,2,2\n1,1,2,2\n")
        let error = #expect(throws: ImageIOError.self) { try FrameSequence(path: root) }
        #expect(error?.reason == .groundTruthLongerThanSequence)
        #expect(error?.description == "\(root)/groundtruth_rect.txt: 3 ground-truth lines for 2 frames")
    }

    @Test func missingEmptyAndImagelessFolders() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        var error = #expect(throws: ImageIOError.self) { try FrameSequence(path: root + "/missing") }
        #expect(error?.reason == .notFound)
        #expect(error?.description == "\(root)/missing: no such file or directory")

        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        error = #expect(throws: ImageIOError.self) { try FrameSequence(path: root + "/empty") }
        #expect(error?.reason == .emptyDirectory)

        try FileManager.default.createDirectory(atPath: root + "/text", withIntermediateDirectories: true)
        try writeFile(root + "/text/readme.txt", "hello")
        error = #expect(throws: ImageIOError.self) { try FrameSequence(path: root + "/text") }
        #expect(error?.reason == .noImages)
        #expect(error?.description.contains("no image files") == true)

        try writeFile(root + "/file.jpg", "x")
        error = #expect(throws: ImageIOError.self) { try FrameSequence(path: root + "/file.jpg") }
        #expect(error?.reason == .notADirectory)
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file; the CLI tests cover this case as an unprivileged user"))
    func unreadableFilesAndFolders() throws {
        let root = makeTemporaryDirectory()
        defer {
            chmod(root + "/locked", 0o755)
            removeTemporary(root)
        }
        try makeFrames(root + "/seq", ["1.jpg"])
        chmod(root + "/seq/1.jpg", 0)
        let error = #expect(throws: ImageIOError.self) { try ImageDecoder().decode(file: root + "/seq/1.jpg") }
        #expect(error?.reason == .permissionDenied)
        try makeFrames(root + "/locked", ["1.jpg"])
        chmod(root + "/locked", 0)
        let folderError = #expect(throws: ImageIOError.self) { try FrameSequence(path: root + "/locked") }
        #expect(folderError?.reason == .permissionDenied)
    }

    @Test func pathsWithSpacesAndNonASCII() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        let dir = root + "/my frames/séquence ü 日本"
        try makeFrames(dir + "/img", ["frame 1.png", "frame 2.png"])
        try writeFile(dir + "/groundtruth_rect.txt", "1,1,4,4\n2,2,4,4\n")
        let sequence = try FrameSequence(path: dir)
        #expect(sequence.frames.count == 2)
        #expect(sequence.name == "séquence ü 日本")
        let image = try ImageDecoder().decode(file: sequence.frames[1])
        #expect(image.width == 8)
        let error = #expect(throws: ImageIOError.self) { try ImageDecoder().decode(file: dir + "/img/nope ü.jpg") }
        #expect(error?.description == "\(dir)/img/nope ü.jpg: no such file or directory")
    }

    @Test func inspectionListsEveryProblem() throws {
        let root = makeTemporaryDirectory()
        defer { removeTemporary(root) }
        try makeFrames(root + "/img", ["1.jpg", "2.jpg", "4.jpg"])
        try writeFile(root + "/img/3.jpg", [])  // zero bytes
        try writeFile(root + "/img/5.jpg", try ImageEncoder.png(gradientImage(width: 9, height: 6)))  // size change
        try writeFile(root + "/groundtruth_rect.txt", "1,1,2,2\nbad\n1,1,2,2\n1,1,2,2\n1,1,2,2\n1,1,2,2\n")
        let report = try SequenceInspection.inspect(path: root)
        #expect(report.sequence.frames.count == 5)
        #expect(report.frameSize == .init(width: 8, height: 6))
        #expect(report.formats[.png] == 4)
        let problems = report.problems.joined(separator: "\n")
        #expect(problems.contains("groundtruth_rect.txt: line 2:"))
        #expect(problems.contains("groundtruth_rect.txt: 6 ground-truth lines for 5 frames"))
        #expect(problems.contains("img/3.jpg: empty file (0 bytes)"))
        #expect(problems.contains("img/5.jpg: frame 5 is 9x6, frame 4 was 8x6"))
        #expect(report.problems.count == 4)
    }
}
