import Testing

@testable import SiamFCImageIO
@testable import SiamFCSynthetic

/// Built once: construction renders the background, which is slow-ish in debug builds.
private let defaultSequence = SyntheticSequence()

private func overlapArea(_ a: BoundingBox, _ b: BoundingBox) -> Double {
    let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    let h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return max(w, 0) * max(h, 0)
}

/// Whether pixel `(x, y)` (0-based) comes within `margin` pixels of `box`.
private func touches(_ box: BoundingBox, x: Int, y: Int, margin: Double) -> Bool {
    // Pixel (x, y) spans x - 0.5 ... x + 0.5; the box spans zeroBasedX - 0.5 ... + width.
    let left = box.zeroBasedX - 0.5 - margin
    let top = box.zeroBasedY - 0.5 - margin
    return Double(x) + 0.5 > left && Double(x) - 0.5 < left + box.width + 2 * margin
        && Double(y) + 0.5 > top && Double(y) - 0.5 < top + box.height + 2 * margin
}

private func differs(_ a: RGBImage, _ b: RGBImage, x: Int, y: Int) -> Bool {
    a[x, y] != b[x, y]
}

@Suite struct SyntheticSequenceTests {
    @Test func sameSeedGivesIdenticalFramesAndBoxes() {
        let first = SyntheticSequence(configuration: .init(seed: 77))
        let second = SyntheticSequence(configuration: .init(seed: 77))
        for index in [0, 41, 63, 119] {
            let a = first.frame(index)
            let b = second.frame(index)
            #expect(a.image == b.image, "frame \(index)")
            #expect(a.box == b.box, "frame \(index)")
            #expect(first.distractorBox(index) == second.distractorBox(index))
        }
    }

    @Test func differentSeedsGiveDifferentFrames() {
        let a = SyntheticSequence(configuration: .init(seed: 1)).frame(0)
        let b = SyntheticSequence(configuration: .init(seed: 2)).frame(0)
        #expect(a.box != b.box)
        let changed = zip(a.image.pixels, b.image.pixels).filter { $0 != $1 }.count
        #expect(changed > a.image.pixels.count / 2)
    }

    @Test func renderingIsIndependentOfOrder() {
        let later = defaultSequence.frame(90)
        _ = defaultSequence.frame(10)
        #expect(defaultSequence.frame(90).image == later.image)
    }

    @Test func framesRenderConcurrently() async {
        let indices = [3, 50, 64, 99]
        let serial = indices.map { defaultSequence.frame($0).image }
        let parallel = await withTaskGroup(of: (Int, RGBImage).self) { group in
            for (slot, index) in indices.enumerated() {
                group.addTask { (slot, defaultSequence.frame(index).image) }
            }
            var images = [RGBImage?](repeating: nil, count: indices.count)
            for await (slot, image) in group { images[slot] = image }
            return images
        }
        #expect(parallel == serial.map { Optional($0) })
    }

    @Test func boxesAreValidAndInsideTheFrame() {
        let config = defaultSequence.configuration
        for index in 0..<config.frameCount {
            let box = defaultSequence.box(index)
            #expect(box.isValid, "frame \(index)")
            #expect(box.x >= 1 && box.y >= 1, "frame \(index): \(box)")
            #expect(box.x + box.width - 1 <= Double(config.width), "frame \(index): \(box)")
            #expect(box.y + box.height - 1 <= Double(config.height), "frame \(index): \(box)")
        }
        for index in [0, 60, 119] {
            #expect(defaultSequence.frame(index).box == defaultSequence.box(index))
        }
    }

    @Test func targetMovesScalesTurnsAndChangesBrightness() {
        let count = defaultSequence.configuration.frameCount
        let boxes = (0..<count).map { defaultSequence.box($0) }
        let centersX = boxes.map { $0.center.x }
        let areas = boxes.map { $0.width * $0.height }
        #expect((centersX.max() ?? 0) - (centersX.min() ?? 0) >= 100)
        #expect((areas.max() ?? 0) / (areas.min() ?? 1) >= 1.5)

        // An upright 4:3 shape has a 4:3 box; turning it makes the box squarer.
        let aspects = boxes.map { $0.width / $0.height }
        #expect((aspects.min() ?? 0) < 1.27)
        let motion = defaultSequence.motion
        let angles = (0..<count).map { abs(motion.targetPose($0).angle) }
        #expect((angles.max() ?? 0) > 0.15)
        #expect((angles.max() ?? 1) < 15 * Double.pi / 180)

        let gains = (0..<count).map { motion.target.brightness(at: motion.time($0)) }
        #expect((gains.min() ?? 1) < 0.8)
        #expect((gains.max() ?? 1) > 1.2)
    }

    @Test func targetIsDrawnExactlyWhereItsBoxIs() {
        let scene = defaultSequence.staticScene()
        for index in [0, 30, 100] {
            #expect(defaultSequence.occlusion(index) == 0)
            let (image, box) = defaultSequence.frame(index)
            let other = defaultSequence.distractorBox(index)
            var inside = 0
            var changedInside = 0
            var difference = 0
            var changedOutside = 0
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let changed = differs(image, scene, x: x, y: y)
                    if touches(box, x: x, y: y, margin: 0) && !touches(other, x: x, y: y, margin: 1) {
                        inside += 1
                        if changed { changedInside += 1 }
                        let (a, b) = (image[x, y], scene[x, y])
                        difference += abs(Int(a.r) - Int(b.r)) + abs(Int(a.g) - Int(b.g))
                            + abs(Int(a.b) - Int(b.b))
                    } else if !touches(box, x: x, y: y, margin: 0.05)
                        && !touches(other, x: x, y: y, margin: 0.05)
                    {
                        // Pixels that do not reach into either box (0.05 allows for the boxes'
                        // rounding to 0.01) show the static scene.
                        if changed { changedOutside += 1 }
                    }
                }
            }
            #expect(changedOutside == 0, "frame \(index)")
            #expect(inside > 0)
            // The rounded, turned shape fills most of its box.
            #expect(Double(changedInside) / Double(max(inside, 1)) > 0.7, "frame \(index)")
            #expect(Double(difference) / Double(max(inside, 1)) > 60, "frame \(index)")
        }
    }

    @Test func targetPassesBehindTheOccluder() {
        let count = defaultSequence.configuration.frameCount
        let hidden = (0..<count).map { defaultSequence.occlusion($0) }
        #expect(hidden[0] == 0)
        let full = hidden.indices.filter { hidden[$0] >= 0.99 }
        #expect(full.count >= 3)
        #expect(hidden.contains { $0 > 0.2 && $0 < 0.8 })

        // While hidden, the box region looks like the scene without the target.
        guard let index = full.first else { return }
        let (image, box) = defaultSequence.frame(index)
        let scene = defaultSequence.staticScene()
        let other = defaultSequence.distractorBox(index)
        var visible = 0
        for y in 0..<image.height {
            for x in 0..<image.width where touches(box, x: x, y: y, margin: 0) {
                if !touches(other, x: x, y: y, margin: 1) && differs(image, scene, x: x, y: y) { visible += 1 }
            }
        }
        #expect(visible == 0, "frame \(index)")
    }

    @Test func distractorComesCloseWithoutCoveringTheTarget() {
        let count = defaultSequence.configuration.frameCount
        var closest = Double.infinity
        var overlapping = 0
        for index in 0..<count {
            let box = defaultSequence.box(index)
            let other = defaultSequence.distractorBox(index)
            let dx = box.center.x - other.center.x
            let dy = box.center.y - other.center.y
            closest = min(closest, (dx * dx + dy * dy).squareRoot() / box.width)
            if overlapArea(box, other) > 0 { overlapping += 1 }
        }
        #expect(closest <= 2)
        #expect(overlapping <= 3)
    }

    @Test func distractorLooksLikeTheTarget() {
        // Same kind of texture, slightly different colours.
        let target = defaultSequence.scenery.target.texels
        let distractor = defaultSequence.scenery.distractor.texels
        func mean(_ texels: [Float], _ channel: Int) -> Float {
            let sum = stride(from: channel, to: texels.count, by: 3).reduce(Float(0)) { $0 + texels[$1] }
            return sum / Float(texels.count / 3)
        }
        for channel in 0..<3 {
            #expect(abs(mean(target, channel) - mean(distractor, channel)) < 40)
        }
        #expect(target != distractor)
    }

    @Test(arguments: [UInt64(0), 5, 99, 12345, .max])
    func everySeedKeepsItsPromises(seed: UInt64) {
        // Geometry only: cheap, so several seeds are checked.
        let config = SyntheticSequence.Configuration(seed: seed)
        let motion = SceneMotion(configuration: config)
        var full = 0
        var closest = Double.infinity
        var overlapping = 0
        for index in 0..<config.frameCount {
            let box = motion.targetPose(index).box
            let other = motion.distractorPose(index).box
            #expect(box.isValid && box.x >= 1 && box.y >= 1)
            #expect(box.x + box.width - 1 <= Double(config.width))
            #expect(box.y + box.height - 1 <= Double(config.height))
            if motion.occlusion(index) >= 0.99 { full += 1 }
            let dx = box.center.x - other.center.x
            let dy = box.center.y - other.center.y
            closest = min(closest, (dx * dx + dy * dy).squareRoot() / box.width)
            if overlapArea(box, other) > 0 { overlapping += 1 }
        }
        #expect(motion.occlusion(0) == 0)
        #expect(full >= 3)
        #expect(closest <= 2)
        #expect(overlapping <= 3)
    }

    @Test func tinyOrEmptyConfigurationsAreClamped() {
        let sequence = SyntheticSequence(configuration: .init(width: 0, height: -5, frameCount: 0, seed: 3))
        #expect(sequence.configuration.width >= 16 && sequence.configuration.height >= 16)
        #expect(sequence.configuration.frameCount >= 1)
        let (image, box) = sequence.frame(7)
        #expect(image.width == sequence.configuration.width)
        #expect(image.pixels.count == image.width * image.height * 3)
        #expect(box.isValid)
    }
}
