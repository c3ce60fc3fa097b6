import Foundation
import Testing
import SiamFCImageIO

/// The fuzz targets' seed corpora (`Fuzz/Corpus`), replayed through the same entry points that
/// libFuzzer drives (`scripts/fuzz`), built without libFuzzer: every input must be handled
/// without a crash, so that a fixed finding, once added to a corpus, stays fixed.
@Suite struct FuzzCorpusTests {
    static let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    @Test(arguments: ["FuzzImageDecoding", "FuzzSafetensors", "FuzzIDX", "FuzzGroundTruth", "FuzzONNX", "FuzzVideo"])
    func corpusReplaysWithoutCrashing(target: String) throws {
        let folder = "/" + Self.root + "/Fuzz/Corpus/" + target
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        #expect(inputs.count >= 4)
        let tool = (CLI.executable as NSString).deletingLastPathComponent + "/" + target
        let result = try CLI.run(inputs, executable: tool)
        #expect(result.status == 0 && !result.crashed, "\(result.stderr)")
        #expect(result.stdout == "\(inputs.count) inputs replayed\n")
    }
}
