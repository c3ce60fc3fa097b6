import Foundation
import Testing
@testable import SiamFCSupport
import SiamFCTestSupport

@Suite struct FileTests {
    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try AtomicFile.write("first", to: dir + "/out.txt")
        try AtomicFile.write("second", to: dir + "/out.txt")
        #expect(try String(contentsOfFile: dir + "/out.txt", encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])

        let error = #expect(throws: FileError.self) { try AtomicFile.write("x", to: dir + "/missing/out.txt") }
        #expect(error?.reason == .notFound)
        #expect(error?.description == dir + "/missing/out.txt: no such file or directory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
    }

    @Test func readErrorsKeepTheirMeaning() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        #expect(throws: FileError(path: dir + "/none", reason: .notFound, message: "no such file or directory")) {
            try FileBytes.read(dir + "/none")
        }
        #expect((#expect(throws: FileError.self) { try FileBytes.read(dir) })?.reason == .isADirectory)
        try writeFile(dir + "/ten", Array(repeating: 7, count: 10))
        #expect(try FileBytes.read(dir + "/ten") == Array(repeating: 7, count: 10))
        #expect((#expect(throws: FileError.self) { try FileBytes.read(dir + "/ten", limit: 9) })?.reason == .tooLarge)
        #expect((#expect(throws: FileError.self) { try FileSystem.contents(of: dir + "/ten") })?.reason == .notADirectory)
    }

    @Test func directoriesAreCreatedAndRemovedWhole() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try FileSystem.createDirectories(dir + "/a/b/c")
        try AtomicFile.write("x", to: dir + "/a/b/c/file")
        #expect(FileSystem.isFile(dir + "/a/b/c/file"))
        try FileSystem.removeTree(dir + "/a")
        #expect(!FileSystem.exists(dir + "/a"))
        try FileSystem.removeTree(dir + "/a")  // missing is fine
    }

    @Test func pathNamesKeepWhatTheUserTyped() {
        #expect(PathName.join("runs/", "x") == "runs/x")
        #expect(PathName.join("", "x") == "x")
        #expect(PathName.lastComponent("a/b c/ü.jpg/") == "ü.jpg")
        #expect(PathName.parent("frames") == ".")
        #expect(PathName.parent("/frames") == "/")
        #expect(PathName.extension(of: "a/B.JPeg") == "jpeg")
        #expect(PathName.extension(of: "a/.hidden") == "")
    }
}
