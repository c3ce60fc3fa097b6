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

    /// A distractor (another frame's red target) lands in the search crop at about the target's
    /// size, never on the target, and leaves the labels on the target.
    /// The teacher's most probable cell gives the box, when it is sure enough; otherwise the
    /// pair keeps no hard labels at all.
    @Test func teacherOutputsLabelAPseudoTarget() throws {
        var classes = [Float](repeating: 0, count: 512), distances = [Float](repeating: 10, count: 1024)
        let best = 5 * 16 + 9
        classes[256 + best] = 2  // p = sigmoid(2) ≈ 0.88
        classes[256 + 40] = 1
        for (side, value) in [30, 20, 10, 40].enumerated() { distances[side * 256 + best] = Float(value) }
        let t = AnchorFreeTargets(teacherClasses: classes, distances: distances, confidence: 0.5)
        let p = AnchorFreeTargets.position(best)
        let expected = AnchorFreeTargets(box: (p.x - 30, p.y - 20, p.x + 10, p.y + 40))
        #expect(t.labels == expected.labels && t.distances == expected.distances && t.classWeights == expected.classWeights)
        #expect(t.labels[best] == 1 && t.labels[40] == 0)
        let unsure = AnchorFreeTargets(teacherClasses: classes, distances: distances, confidence: 0.95)
        #expect(unsure.positiveCount == 0 && unsure.classWeights.allSatisfy { $0 == 0 } && unsure.boxWeights.allSatisfy { $0 == 0 })
    }

    /// A pseudo-target lies inside the frame, about the target's size, and (nearly) off it.
    @Test func pseudoTargetsLieBesideTheTarget() {
        let frame = RGBImage(width: 320, height: 320)
        var g = SplitMix64(seed: 9)
        var found = 0
        for i in 0..<200 {
            let target = BoundingBox(x: 100 + Double(i % 40), y: 120, width: 40 + Double(i % 30), height: 30 + Double(i % 50))
            guard let region = LightTrackPair.pseudoTarget(in: frame, besides: target, using: &g) else { continue }
            found += 1
            #expect(region.x >= 1 && region.y >= 1 && region.x - 1 + region.width <= 320 && region.y - 1 + region.height <= 320)
            #expect(region.iou(target) <= LightTrackPair.pseudoTargetOverlap)
            #expect(region.width >= 0.7 * target.width - 1e-9 && region.width <= 1.4 * target.width + 1e-9)
            #expect(region.height >= 0.7 * target.height - 1e-9 && region.height <= 1.4 * target.height + 1e-9)
        }
        #expect(found > 150)
    }

    @Test func distractorsLandBesideTheTarget() throws {
        var frame = RGBImage(width: 400, height: 300)
        for i in frame.pixels.indices { frame.pixels[i] = 60 }
        let box = BoundingBox(x: 181, y: 121, width: 60, height: 40)
        for y in 120..<160 { for x in 180..<240 { frame[x, y] = (250, 250, 250) } }
        var other = RGBImage(width: 200, height: 200)
        for y in 50..<110 { for x in 40..<70 { other[x, y] = (250, 0, 0) } }
        let distractor = LightTrackPair.Distractor(frame: other, box: BoundingBox(x: 41, y: 51, width: 30, height: 60))
        var g = SplitMix64(seed: 5)
        var pasted = 0
        for _ in 0..<12 {
            let pair = LightTrackPair(templateFrame: frame, templateBox: box, searchFrame: frame, searchBox: box,
                                      distractor: distractor, using: &g)
            let t = pair.targets
            let cell = try #require((0..<256).first { t.labels[$0] == 1 })
            let p = AnchorFreeTargets.position(cell)
            let x1 = p.x - t.distances[cell], y1 = p.y - t.distances[256 + cell]
            let x2 = p.x + t.distances[512 + cell], y2 = p.y + t.distances[768 + cell]
            let values = pair.search.scalars, plane = 255 * 255
            // Red where the distractor is (unless the colour jitter turned the crop grey).
            let red = (0..<plane).filter { values[$0] - values[plane + $0] > 100 }
            guard !red.isEmpty else { continue }
            pasted += 1
            let onTarget = red.filter { i in
                let (x, y) = (Float(i % 255), Float(i / 255))
                return x > x1 + 1 && x < x2 - 1 && y > y1 + 1 && y < y2 - 1
            }
            #expect(onTarget.isEmpty, "\(onTarget.count) distractor pixels on the target")
            // The target's area is about 2400 crop pixels times the crop scale; the distractor's
            // the same within the random factor (0.8–1.25 per side).
            let targetArea = (x2 - x1) * (y2 - y1)
            #expect(Float(red.count) > 0.5 * targetArea && Float(red.count) < 1.8 * targetArea,
                    "\(red.count) red pixels for a target of \(targetArea)")
        }
        #expect(pasted >= 8)
    }
}
