import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

@Suite struct EvalCommandTests {
    @Test func evaluatesAFolderOfSequences() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try TrackCommandTests().fixture(dir, frames: 4)
        let result = try CLI.run(["eval", PathNameParent.of(sequence), "--model", model, "--out", dir + "/eval", "--jobs", "2",
                                  "--name", "tiny", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("seq") && result.stdout.contains("overall"))
        #expect(FileSystem.isFile(dir + "/eval/results/seq.txt") && FileSystem.isFile(dir + "/eval/summary.json"))
        #expect(FileSystem.isFile(dir + "/eval/success.svg") && FileSystem.isFile(dir + "/eval/precision.png"))
        let bundled = try CLI.run(["eval", sequence, "--out", dir + "/bundled", "--quiet"])
        #expect(bundled.status == 0 && bundled.stdout.contains("seq"), "\(bundled.stderr)")
        #expect(FileSystem.isFile(dir + "/bundled/summary.json"))
        let empty = try CLI.run(["eval", dir + "/eval", "--model", model])
        #expect(empty.status == 1 && empty.stderrLines.count == 1)
    }
}

enum PathNameParent {
    static func of(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/")
    }
}
