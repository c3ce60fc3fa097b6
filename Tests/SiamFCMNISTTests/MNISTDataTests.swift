import Foundation
import Testing
@testable import SiamFCMNIST
import SiamFCEngine
import SiamFCTestSupport
import SiamFCSupport

@Suite struct IDXTests {
    @Test func parsesRawAndGzipFiles() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let images = idxBytes([2, 3, 4], Array(0..<24))
        let labels = idxBytes([2], [7, 1])
        try writeFile(dir + "/train-images-idx3-ubyte.gz", try gzipped(images, in: dir))
        try writeFile(dir + "/train-labels-idx1-ubyte", labels)
        try writeFile(dir + "/t10k-images-idx3-ubyte", images)
        try writeFile(dir + "/t10k-labels-idx1-ubyte.gz", try gzipped(labels, in: dir))
        let data = try MNISTDataset.load(directory: dir)
        #expect(data.train.count == 2 && data.train.rows == 3 && data.train.columns == 4)
        #expect(data.train.images == Array(0..<24) && data.test.labels == [7, 1])
    }

    @Test func rejectsMalformedFiles() throws {
        let cases: [([UInt8], String)] = [
            ([0, 0], "too short"),
            ([1, 2, 8, 1, 0, 0, 0, 1, 5], "not an IDX file"),
            ([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "not unsigned bytes"),
            (idxBytes([3], [1, 2]), "need 3 bytes of data, the file has 2"),
            (idxBytes([2, 2], [1, 2, 3, 4]), "has 2 dimensions, expected 1"),
            ([0, 0, 8, 1, 0, 0], "truncated IDX header"),
            (idxBytes([Int(Int32.max)], []), "need 2147483647 bytes"),
        ]
        for (bytes, phrase) in cases {
            let error = #expect(throws: MNISTError.self) { try IDXFile.parse(bytes, path: "x.idx", rank: 1) }
            #expect(error?.description.hasPrefix("x.idx: ") == true)
            #expect(error?.description.contains(phrase) == true, "\(String(describing: error)) lacks \(phrase)")
        }
    }

    @Test func rejectsCorruptTruncatedAndExplodingGzip() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let gz = try gzipped(idxBytes([4], [1, 2, 3, 4]), in: dir)
        var error = #expect(throws: MNISTError.self) { try Gunzip.decompress(Array(gz.prefix(gz.count - 12)), path: "t.gz", limit: 1 << 20) }
        #expect(error?.message.contains("truncated") == true || error?.message.contains("corrupt") == true)
        var corrupt = gz
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        #expect(throws: MNISTError.self) { try Gunzip.decompress(corrupt, path: "c.gz", limit: 1 << 20) }
        let bomb = try gzipped([UInt8](repeating: 0, count: 4 << 20), in: dir)
        error = #expect(throws: MNISTError.self) { try Gunzip.decompress(bomb, path: "bomb.gz", limit: 1 << 20) }
        #expect(error?.message.contains("more than") == true)
    }

    @Test func labelsMustBeDigitsAndMatchTheImages() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeFile(dir + "/i", idxBytes([2, 1, 1], [0, 0]))
        try writeFile(dir + "/l", idxBytes([2], [3, 12]))
        try writeFile(dir + "/l3", idxBytes([3], [3, 1, 2]))
        #expect(throws: MNISTError.self) { try MNISTDataset.digitSet(images: dir + "/i", labels: dir + "/l") }
        #expect(throws: MNISTError.self) { try MNISTDataset.digitSet(images: dir + "/i", labels: dir + "/l3") }
    }

    @Test func missingDataSaysWhereItLookedAndWhatItExpects() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let error = #expect(throws: MNISTError.self) { try MNISTDataset.locate(explicit: dir + "/none") }
        #expect(error?.description.contains("\(dir)/none") == true)
        #expect(error?.description.contains("train-images-idx3-ubyte.gz") == true)
        #expect(error?.description.contains("t10k-labels-idx1-ubyte.gz") == true)
    }
}

@Suite struct PairSamplerTests {
    let labels: [UInt8] = (0..<200).map { UInt8($0 % 10) }

    @Test func pairsAreBalancedAndLabelledCorrectly() {
        var g = SplitMix64(seed: 3)
        let pairs = PairSampler(labels: labels).pairs(count: 1_000, using: &g)
        #expect(pairs.count == 1_000)
        #expect(pairs.similar.filter { $0 == 1 }.count == 500)
        for k in 0..<pairs.count {
            #expect((labels[pairs.first[k]] == labels[pairs.second[k]]) == (pairs.similar[k] == 1))
            #expect(pairs.first[k] != pairs.second[k])
        }
        // Shuffled: not all similar pairs first.
        #expect(pairs.similar.prefix(500).contains(0))
    }

    @Test func seedsDetermineThePairs() {
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5), c = SplitMix64(seed: 6)
        let sampler = PairSampler(labels: labels)
        #expect(sampler.pairs(count: 100, using: &a) == sampler.pairs(count: 100, using: &b))
        var d = SplitMix64(seed: 5)
        #expect(sampler.pairs(count: 100, using: &c) != sampler.pairs(count: 100, using: &d))
    }

    @Test func tripletsAreDrawnByClass() {
        var g = SplitMix64(seed: 4)
        let t = PairSampler(labels: labels).triplets(count: 300, using: &g)
        #expect(t.count == 300)
        for k in 0..<t.count {
            #expect(labels[t.anchor[k]] == labels[t.positive[k]] && t.anchor[k] != t.positive[k])
            #expect(labels[t.anchor[k]] != labels[t.negative[k]])
        }
    }
}

@Suite struct MetricTests {
    @Test func thresholdAccuracyAndAUC() {
        let scores: [Float] = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2]
        let similar: [Float] = [0, 0, 1, 1, 1, 0]
        let (threshold, accuracy) = PairEvaluation.bestThreshold(scores: scores, similar: similar)
        #expect(accuracy == 5.0 / 6.0)
        #expect(PairEvaluation.accuracy(scores: scores, similar: similar, threshold: threshold) == accuracy)
        // Positives' ranks 3, 5, 6 → (14 − 6) / 9.
        #expect(abs(PairEvaluation.rocAUC(scores: scores, similar: similar) - 8.0 / 9.0) < 1e-12)
        #expect(PairEvaluation.rocAUC(scores: [1, 2, 3, 4], similar: [0, 0, 1, 1]) == 1)
        #expect(PairEvaluation.rocAUC(scores: [1, 2, 3, 4], similar: [1, 1, 0, 0]) == 0)
        #expect(PairEvaluation.rocAUC(scores: [1, 1, 1, 1], similar: [1, 0, 1, 0]) == 0.5)
        let perfect = PairEvaluation.bestThreshold(scores: [-3, -2, 5, 7], similar: [0, 0, 1, 1])
        #expect(perfect.accuracy == 1 && perfect.threshold > -2 && perfect.threshold < 5)
    }

    @Test func nearestNeighbour() throws {
        let references = try SiamFCEngine.Tensor(shape: [3, 2], values: [0, 0, 10, 0, 0, 10])
        let queries = try SiamFCEngine.Tensor(shape: [3, 2], values: [1, 1, 9, 1, 6, 5])
        let accuracy = PairEvaluation.nearestNeighbourAccuracy(
            queries: queries, queryLabels: [0, 1, 2], references: references, referenceLabels: [0, 1, 2], metric: .euclidean)
        #expect(abs(accuracy - 2.0 / 3.0) < 1e-12)  // (6, 5) is nearer (10, 0)
    }
}

@Suite struct ProjectionTests {
    @Test func principalComponentsKeepThePlaneOfTheData() throws {
        // Points on a plane in 3-D (z = x + y), spread along x much more than y.
        var values: [Float] = []
        for i in 0..<200 {
            let x = Float(i % 20) - 10, y = Float(i / 20) * 0.3
            values += [x, y, x + y]
        }
        let points = EmbeddingProjection.project(try SiamFCEngine.Tensor(shape: [200, 3], values: values))
        // Distances within the plane are kept by a projection onto it.
        for (a, b) in [(0, 1), (5, 150), (17, 199)] {
            let original = (0..<3).map { values[3 * a + $0] - values[3 * b + $0] }.map { Double($0 * $0) }.reduce(0, +)
            let projected = pow(points[a].0 - points[b].0, 2) + pow(points[a].1 - points[b].1, 2)
            #expect(abs(original - projected) < 1e-3 * max(1, original))
        }
        let two = EmbeddingProjection.project(try SiamFCEngine.Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        #expect(two[1] == (3, 4))
    }
}
