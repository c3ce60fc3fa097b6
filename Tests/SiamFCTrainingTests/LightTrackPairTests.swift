import Testing
@testable import SiamFCTraining
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport

struct AnchorFreeTargetsTests {
    @Test func positivesFillTheInscribedEllipse() {
        // A 64x64 box centred on the middle cell (127, 127).
        let t = AnchorFreeTargets(box: (95, 95, 159, 159))
        let positives = (0..<256).filter { t.labels[$0] == 1 }
        // Offsets 0, ±16 in x and y and the four diagonals at (±16, ±16): 9 cells.
        #expect(positives.count == 9)
        #expect(positives.allSatisfy { i in
            let p = AnchorFreeTargets.position(i)
            return abs(p.x - 127) <= 16 && abs(p.y - 127) <= 16
        })
        let middle = 8 * 16 + 8
        #expect(AnchorFreeTargets.position(middle) == (127, 127))
        #expect([t.distances[middle], t.distances[256 + middle], t.distances[512 + middle], t.distances[768 + middle]] == [32, 32, 32, 32])
        let positiveWeight = positives.map { t.classWeights[$0] }.reduce(0, +)
        let total = t.classWeights.reduce(0, +)
        #expect(abs(positiveWeight - 0.5) < 1e-5 && abs(total - 1) < 1e-5)
        #expect(abs(t.boxWeights.reduce(0, +) - 1) < 1e-5)
        #expect(t.distances.allSatisfy { $0 >= 0 })
    }

    @Test func aTinyBoxStillHasItsCell() {
        let t = AnchorFreeTargets(box: (126, 126, 128.5, 129))
        #expect(t.positiveCount == 1 && t.labels[8 * 16 + 8] == 1)
    }

    @Test func aNegativePairHasNoPositives() {
        let t = AnchorFreeTargets(box: nil)
        #expect(t.positiveCount == 0 && t.boxWeights.allSatisfy { $0 == 0 })
        #expect(abs(t.classWeights.reduce(0, +) - 0.5) < 1e-5)
    }
}

struct LightTrackPairTests {
    /// A grey frame with a white target: the search crop is white exactly where the targets
    /// put the box, whatever the shift, scale and flip.
    @Test func targetsPointAtTheTargetsPixels() {
        var frame = RGBImage(width: 400, height: 300)
        for i in frame.pixels.indices { frame.pixels[i] = 60 }
        let box = BoundingBox(x: 181, y: 121, width: 60, height: 40)
        for y in 120..<160 { for x in 180..<240 { frame[x, y] = (250, 250, 250) } }
        var g = SplitMix64(seed: 3)
        for _ in 0..<12 {
            let pair = LightTrackPair(templateFrame: frame, templateBox: box, searchFrame: frame, searchBox: box, using: &g)
            #expect(pair.template.shape == [1, 3, 127, 127] && pair.search.shape == [1, 3, 255, 255])
            let t = pair.targets
            let cell = try! #require((0..<256).first { t.labels[$0] == 1 })
            let p = AnchorFreeTargets.position(cell)
            let x1 = p.x - t.distances[cell], y1 = p.y - t.distances[256 + cell]
            let x2 = p.x + t.distances[512 + cell], y2 = p.y + t.distances[768 + cell]
            // Sample well inside and just outside the box (pixel centres), on the red plane.
            func value(_ x: Float, _ y: Float) -> Float { pair.search.scalars[Int(y.rounded()) * 255 + Int(x.rounded())] }
            let inside = value((x1 + x2) / 2, (y1 + y2) / 2)
            let outside = [value(x1 - 6, (y1 + y2) / 2), value(x2 + 6, (y1 + y2) / 2), value((x1 + x2) / 2, y1 - 6), value((x1 + x2) / 2, y2 + 6)]
            // Colour jitter scales values by at most ±20 %; blur softens edges by a pixel.
            #expect(inside > 180, "inside \(inside)")
            #expect(outside.allSatisfy { $0 < 90 }, "outside \(outside)")
            #expect(abs((x2 - x1) / (y2 - y1) - 1.5) < 0.05)
        }
    }
}
