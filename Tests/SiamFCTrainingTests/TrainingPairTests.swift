import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCTestSupport
@testable import SiamFCTraining
import SiamFCSupport

@Suite struct TrainingPairTests {
    @Test func labelsMarkCellsWithinTheRadiusAndBalanceTheClasses() {
        let centred = ResponseLabels.make(targetOffset: (0, 0), side: 15, stride: 8, radius: 16)
        // Within 2 cells of the middle: the 3x3 block (up to 11.3 px) and the four cells 16 px away.
        #expect(centred.labels.reduce(0, +) == 13)
        #expect(centred.labels[7 * 15 + 7] == 1 && centred.labels[7 * 15 + 9] == 1 && centred.labels[7 * 15 + 10] == 0)
        #expect(centred.labels[5 * 15 + 5] == 0)  // 22.6 px away
        let positives = zip(centred.labels, centred.weights).filter { $0.0 == 1 }.map(\.1).reduce(0, +)
        let negatives = zip(centred.labels, centred.weights).filter { $0.0 == 0 }.map(\.1).reduce(0, +)
        #expect(abs(positives - 0.5) < 1e-6 && abs(negatives - 0.5) < 1e-6)
        // A target 8 px right of the centre moves the positives one cell right.
        let shifted = ResponseLabels.make(targetOffset: (8, 0), side: 15, stride: 8, radius: 16)
        #expect(shifted.labels[7 * 15 + 10] == 1 && shifted.labels[7 * 15 + 5] == 0)
    }

    /// A white square on black: wherever the random translation, stretch and flip put the search
    /// crop, the square's centroid must sit at the reported target offset.
    @Test func targetOffsetFollowsTheAugmentation() throws {
        var frame = RGBImage(width: 320, height: 240)
        let box = BoundingBox(x: 141, y: 101, width: 30, height: 20)
        for y in 100..<120 { for x in 140..<170 { frame[x, y] = (255, 255, 255) } }
        for seed in 0..<12 {
            var g = SplitMix64(seed: UInt64(seed))
            let pair = try TrainingPair(exemplarFrame: frame, exemplarBox: box, searchFrame: frame, searchBox: box, using: &g)
            #expect(pair.exemplar.shape == [1, 3, 127, 127] && pair.search.shape == [1, 3, 239, 239])
            let side = 239, plane = side * side
            var (sx, sy, total) = (0.0, 0.0, 0.0)
            pair.search.withUnsafeBufferPointer { p in
                for i in 0..<plane where p[i] + p[plane + i] + p[2 * plane + i] > 300 {
                    sx += Double(i % side)
                    sy += Double(i / side)
                    total += 1
                }
            }
            let centroid = (sx / total - Double(side - 1) / 2, sy / total - Double(side - 1) / 2)
            #expect(abs(centroid.0 - pair.targetOffset.x) < 1.5 && abs(centroid.1 - pair.targetOffset.y) < 1.5,
                    "seed \(seed): centroid \(centroid), offset \(pair.targetOffset)")
            #expect(pair.search.scalars.allSatisfy { $0 >= 0 && $0 <= 255 })
        }
    }

    @Test func flippingTwiceRestoresTheCrop() throws {
        var crop = try Tensor(shape: [1, 3, 2, 3], values: (0..<18).map(Float.init))
        let original = crop
        TrainingPair.flipHorizontally(&crop)
        #expect(crop.scalars.prefix(3) == [2, 1, 0])
        TrainingPair.flipHorizontally(&crop)
        #expect(crop == original)
    }
}

@Suite struct TrainingSequencesTests {
    /// GOT-10k's train split as it is: `NAME/00000001.jpg`, `groundtruth.txt`, `absence.label`,
    /// with absent frames (zero rows) and a VOT sequence (polygons) beside it.
    @Test func readsGOT10kAndVOTLayoutsAndSkipsFramesWithoutBoxes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let jpeg = try ImageEncoder.jpeg(RGBImage(width: 64, height: 48))
        for name in ["GOT-10k_Train_000001", "vot_ball"] {
            try FileSystem.createDirectories(dir + "/train/" + name)
            for i in 1...5 { try writeFile(dir + "/train/\(name)/\(String(format: "%08d", i)).jpg", jpeg) }
        }
        try writeFile(dir + "/train/GOT-10k_Train_000001/groundtruth.txt",
                      "10,10,20,16\n0,0,0,0\n12,10,20,16\n13,11,20,16\n14,11,2,16\n")
        try writeFile(dir + "/train/GOT-10k_Train_000001/absence.label", "0\n1\n0\n0\n0\n")
        try writeFile(dir + "/train/vot_ball/groundtruth.txt", String(repeating: "10,10,30,10,30,30,10,30\n", count: 5))
        let data = try TrainingSequences(roots: [dir + "/train"], maximumGap: 1)
        #expect(data.sequences.map(\.name) == ["GOT-10k_Train_000001", "vot_ball"])
        // The absent frame and the 2 px wide box are left out.
        #expect(data.sequences[0].usable == [0, 2, 3] && data.sequences[1].usable == [0, 1, 2, 3, 4])
        var g = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let (s, z, x) = data.pair(using: &g)
            #expect(data.sequences[s].usable.contains(z) && data.sequences[s].usable.contains(x) && abs(z - x) <= 1)
        }
    }
}
