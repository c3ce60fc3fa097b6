import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCEngine
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCTracker
import SiamFCSynthetic
import SiamFCSupport

@Suite struct OnePassEvaluationTests {
    /// Three short synthetic sequences (different seeds) in one folder, and a small random model.
    func fixture(_ dir: String) throws -> SiamFCModel {
        for seed in [3, 1, 2] as [UInt64] {
            let demo = SyntheticSequence(configuration: .init(frameCount: 5, seed: seed))
            try SequenceWriter.write(to: dir + "/seq\(seed)", frameCount: 5) { demo.frame($0) }
        }
        var g = SplitMix64(seed: 9)
        let network = AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g)
        network.setTraining(false)
        return SiamFCModel(backbone: try FoldedBackbone(network), source: "random")
    }

    @Test func discoversSequencesAndRejectsFoldersWithout() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        _ = try fixture(dir)
        #expect(try OnePassEvaluation.discover([dir]).map { PathNameForTests.last($0) } == ["seq1", "seq2", "seq3"])
        #expect(try OnePassEvaluation.discover([dir + "/seq2"]) == [dir + "/seq2"])
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        #expect(throws: ImageIOError.self) { try OnePassEvaluation.discover([dir + "/empty"]) }
    }

    @Test func resultsDoNotDependOnTheNumberOfJobs() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try fixture(dir)
        let sequences = try OnePassEvaluation.discover([dir])
        let serial = try OnePassEvaluation.run(sequences, model: model, jobs: 1)
        let parallel = try OnePassEvaluation.run(sequences, model: model, jobs: 3)
        #expect(serial.map(\.boxes) == parallel.map(\.boxes))
        #expect(serial.map(\.name) == ["seq1", "seq2", "seq3"])
        #expect(serial.allSatisfy { $0.boxes.count == 5 && $0.curves.frames == 5 })
        // The first box is the ground truth itself, so at least one frame in five overlaps.
        #expect(serial.allSatisfy { $0.curves.success[0] >= 0.2 })
    }

    @Test func writesResultsSummaryAndPlots() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let model = try fixture(dir)
        let results = try OnePassEvaluation.run(try OnePassEvaluation.discover([dir]), model: model, jobs: 2)
        let report = EvaluationReport(tracker: "random", results: results)
        try EvaluationReport.write(results, report: report, to: dir + "/out")
        let lines = try String(contentsOfFile: dir + "/out/results/seq2.txt", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5 && lines.allSatisfy { $0.split(separator: ",").count == 4 })
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json")))
        #expect(decoded == report)
        #expect(abs(report.overall.successScore - results.map(\.curves.successScore).reduce(0, +) / 3) < 1e-12)
        #expect(report.table.contains("seq3") && report.table.contains("overall"))
        for plot in ["success", "precision"] {
            #expect(try ImageDecoder().decode(file: dir + "/out/\(plot).png").width == 800)
            #expect(try String(contentsOfFile: dir + "/out/\(plot).svg", encoding: .utf8).contains("random ["))
        }
    }
}

enum PathNameForTests {
    static func last(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
