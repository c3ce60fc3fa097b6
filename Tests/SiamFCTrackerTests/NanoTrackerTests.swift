import Testing
@testable import SiamFCTracker
import SiamFCImageIO
import Foundation

/// The parts of the NanoTrack tracker that need no model file.
struct NanoTrackerTests {
    @Test func integerRectangleRoundsHalfToEven() {
        let r = NanoTracker.integerRectangle(BoundingBox(x: 3.5, y: 2.5, width: 10.5, height: 0.2))
        #expect(r.x == 2 && r.y == 2 && r.width == 10 && r.height == 1)
    }

    @Test func windowIsTheSquareRootOfOpenCVsHanningWindow() {
        let w = NanoTracker.window(16)
        #expect(w.count == 256 && w[0] == 0 && w[15] == 0)
        // Symmetric, peaking at the two middle cells.
        for r in 0..<16 { for c in 0..<16 { #expect(w[r * 16 + c] == w[c * 16 + r] && w[r * 16 + c] == w[(15 - r) * 16 + (15 - c)]) } }
        #expect(w[7 * 16 + 7] == w.max())
        let h7 = 0.5 * (1 - cos(2 * Double.pi / 15 * 7))
        #expect(w[7 * 16 + 7] == Float(h7 * h7).squareRoot())
    }

    @Test func settingsAreChecked() {
        #expect(throws: TrackerError.self) { try NanoTrackConfiguration(windowInfluence: 1.5).validate() }
        #expect(throws: TrackerError.self) { try NanoTrackConfiguration(penaltyK: -1).validate() }
        #expect(throws: TrackerError.self) { try NanoTrackConfiguration(learningRate: .nan).validate() }
        #expect(throws: Never.self) { try NanoTrackConfiguration.opencv.validate() }
        #expect(NanoTrackConfiguration.opencv.summary == "window 0.455, penalty k 0.055, lr 0.37, size penalty opencv")
    }

    @Test func sizeWithContext() {
        // (a + p)(b + p) with p = (a + b) / 2: 4 and 2 give p = 3, sqrt(7 · 5).
        #expect(NanoTracker.size(4, 2) == Float(35).squareRoot())
    }
}
