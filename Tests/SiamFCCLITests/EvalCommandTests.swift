import Foundation
import Testing
import SiamFCImageIO

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
        let missing = try CLI.run(["eval", sequence])
        #expect(missing.status == 1 && missing.stderr.contains("no bundled model"))
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
