import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport

@Suite struct TrackerComparisonTests {
    static let target = BoundingBox(x: 100, y: 100, width: 10, height: 10)
    /// Four frames of ground truth for sequences a and b.
    static let truth = GroundTruth(path: "gt.txt", format: .otb, boxes: Array(repeating: target, count: 4))

    @Test func scoresForeignResultFilesOnTheSequencesAllTrackersHave() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        // Another tool's files, in a results/ subfolder, with tabs, spaces and a lost frame.
        try FileManager.default.createDirectory(atPath: dir + "/other/results", withIntermediateDirectories: true)
        try writeFile(dir + "/other/results/a.txt", "100,100,10,10\n105\t100\t10\t10\r\n0 0 0 0\n100,100,10,10")
        try writeFile(dir + "/other/results/b.txt", "100,100,10,10\n100,100,10,10\n100,100,10,10\n100,100,10,10\n")
        try FileManager.default.createDirectory(atPath: dir + "/third/results", withIntermediateDirectories: true)
        try writeFile(dir + "/third/results/a.txt", String(repeating: "100,100,10,10\n", count: 5))
        let other = try TrackerResults(directory: dir + "/other")
        let third = try TrackerResults(directory: dir + "/third/results")
        #expect(other.name == "other" && third.name == "third")

        let comparison = try TrackerComparison.compare([other, third], sequences: [("a", Self.truth), ("b", Self.truth)])
        #expect(comparison.sequences == ["a"])
        #expect(comparison.skipped == [TrackerComparison.Skipped(name: "b", missingFrom: ["third"])])
        // IoUs 1, 1/3, 0, 1: success is 3/4 up to 0.3, 2/4 from 0.35 to 0.95, 0 at 1.
        let auc = (7 * 0.75 + 13 * 0.5) / 21
        #expect(abs(comparison.trackers[0].successScore - auc) < 1e-12)
        // Centre errors 0, 5, 105·√2 (the lost box), 0.
        #expect(comparison.trackers[0].precisionScore == 0.75)
        #expect(comparison.trackers[1].successScore == 20.0 / 21 && comparison.trackers[1].precisionScore == 1)
        let row = comparison.table.split(separator: "\n").first { $0.hasPrefix("other ") }?.split(separator: " ").map(String.init)
        #expect(row == ["other", "1", String(format: "%.3f", auc), "0.750", String(format: "%.3f", (50 * 0.5 + 0.75) / 51)])  // normalised errors 0, 0.5, lost, 0
        try comparison.write(to: dir + "/cmp")
        let svg = try String(contentsOfFile: dir + "/cmp/success.svg", encoding: .utf8)
        #expect(svg.contains("other [0.560]") && svg.contains("third [0.952]"))
        let decoded = try JSONDecoder().decode(TrackerComparison.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/cmp/comparison.json")))
        #expect(decoded == comparison)
    }

    @Test func badResultFilesAreErrorsNamingTheFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/t", withIntermediateDirectories: true)
        try writeFile(dir + "/t/a.txt", "100,100,10,10\n1,2,3\n")
        try writeFile(dir + "/t/b.txt", "100,100,10,10\n")
        let tracker = try TrackerResults(directory: dir + "/t")
        #expect(throws: ImageIOError.self) { try tracker.curves("a", groundTruth: Self.truth) }
        do {
            _ = try tracker.curves("b", groundTruth: Self.truth)
            Issue.record("a short file was scored")
        } catch {
            #expect("\(error)" == dir + "/t/b.txt: 1 boxes, but gt.txt has a box in frame 4")
        }
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        #expect(throws: EvaluationError.self) { try TrackerResults(directory: dir + "/empty") }
        #expect(throws: EvaluationError.self) { try TrackerComparison.compare([tracker], sequences: nil) }
    }

    @Test func siamfcOutputsUseTheirStoredCurves() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let good = TrackingMetrics.curves(predictions: Array(repeating: Self.target, count: 4), groundTruth: Self.truth.boxes)
        let bad = TrackingMetrics.curves(predictions: Array(repeating: BoundingBox(x: 1, y: 1, width: 5, height: 5), count: 4),
                                         groundTruth: Self.truth.boxes)
        let first = EvaluationReport(tracker: "mine", sequences: [SequenceSummary(name: "a", curves: good, frames: 4, seconds: 1),
                                                                  SequenceSummary(name: "b", curves: bad, frames: 4, seconds: 1)])
        let second = EvaluationReport(tracker: "mine", sequences: [SequenceSummary(name: "b", curves: good, frames: 4, seconds: 1)])
        try first.writeSummary(to: dir + "/run1")
        try second.writeSummary(to: dir + "/run2")
        let comparison = try TrackerComparison.compare([try TrackerResults(directory: dir + "/run1"), try TrackerResults(directory: dir + "/run2")],
                                                       sequences: nil)
        #expect(comparison.sequences == ["b"] && comparison.skipped.map(\.name) == ["a"])
        #expect(comparison.trackers.map(\.name) == ["mine (run1)", "mine (run2)"])
        #expect(comparison.trackers[0].curves == TrackingMetrics.average([bad]) && comparison.trackers[1].successScore == good.successScore)
    }
}
