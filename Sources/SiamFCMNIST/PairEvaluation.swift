import SiamFCEngine
import SiamFCSupport

/// What `siamfc mnist eval` reports.
public struct EvaluationReport: Sendable, Codable {
    /// Decision threshold on the similarity score, chosen on the validation pairs.
    public let threshold: Float
    public let validationAccuracy: Double
    /// Pair accuracy on the fixed test pairs at that threshold.
    public let testAccuracy: Double
    public let rocAUC: Double
    /// 1-nearest-neighbour classification of test digits against training embeddings; nil for
    /// the 2-channel network, which has no embedding.
    public let nearestNeighbourAccuracy: Double?
    public let testPairs: Int
    public let validationPairs: Int
}

public enum PairEvaluation {
    /// Similarity scores of `pairs` (higher means more alike), in batches.
    public static func scores(_ model: PairModel, digits: DigitSet, pairs: PairSet, batchSize: Int = 256) throws -> [Float] {
        var scores: [Float] = []
        scores.reserveCapacity(pairs.count)
        var start = 0
        while start < pairs.count {
            let range = start..<min(start + batchSize, pairs.count)
            let twoChannel = model.configuration.architecture == .twoChannel
            let a = twoChannel ? Tensor(zeros: [0]) : digits.batch(pairs.first[range])
            let b = twoChannel ? Tensor(zeros: [0]) : digits.batch(pairs.second[range])
            let stacked = twoChannel ? digits.stacked([pairs.first[range], pairs.second[range]]) : nil
            scores += try model.scores(a, b, stacked: stacked)
            start = range.upperBound
        }
        return scores
    }

    /// The threshold that classifies the most pairs right (similar when `score > threshold`),
    /// halfway between the two scores where it switches.
    public static func bestThreshold(scores: [Float], similar: [Float]) -> (threshold: Float, accuracy: Double) {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        let positives = similar.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) }
        // Threshold below everything: all predicted similar.
        var correct = positives
        var best = (threshold: (scores.min() ?? 0) - 1, correct: correct)
        for (k, i) in order.enumerated() {
            correct += similar[i] > 0.5 ? -1 : 1
            if k + 1 < order.count && scores[order[k + 1]] == scores[i] { continue }
            if correct > best.correct {
                let next = k + 1 < order.count ? scores[order[k + 1]] : scores[i] + 1
                best = ((scores[i] + next) / 2, correct)
            }
        }
        return (best.threshold, Double(best.correct) / Double(max(scores.count, 1)))
    }

    public static func accuracy(scores: [Float], similar: [Float], threshold: Float) -> Double {
        let correct = zip(scores, similar).filter { ($0 > threshold) == ($1 > 0.5) }.count
        return Double(correct) / Double(max(scores.count, 1))
    }

    /// Area under the ROC curve: the probability that a random similar pair scores higher than a
    /// random dissimilar one, ties counting half (the Mann-Whitney statistic).
    public static func rocAUC(scores: [Float], similar: [Float]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var k = 0
        while k < order.count {
            var end = k
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[k]] { end += 1 }
            let averageRank = Double(k + end) / 2 + 1
            for t in k...end where similar[order[t]] > 0.5 { rankSum += averageRank }
            k = end + 1
        }
        let positives = Double(similar.filter { $0 > 0.5 }.count)
        let negatives = Double(similar.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Embeddings `[count, size]` of every digit, in batches.
    public static func embeddings(_ model: PairModel, digits: DigitSet, batchSize: Int = 256) throws -> Tensor {
        var parts: [Tensor] = []
        var start = 0
        while start < digits.count {
            let range = start..<min(start + batchSize, digits.count)
            parts.append(try model.embed(digits.batch(Array(range)[...])).value)
            start = range.upperBound
        }
        return try Tensor.concatBatch(parts)
    }

    /// The share of `queries` whose nearest `references` embedding (by the model's distance)
    /// has the same label.
    public static func nearestNeighbourAccuracy(
        queries: Tensor, queryLabels: [UInt8], references: Tensor, referenceLabels: [UInt8], metric: Distance
    ) -> Double {
        let (n, m, dim) = (queries.shape[0], references.shape[0], queries.shape[1])
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(n, 1))
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        let normalise = metric == .cosine
        let q = normalise ? rowNormalised(queries) : queries, r = normalise ? rowNormalised(references) : references
        q.withUnsafeBufferPointer { qp in
            r.withUnsafeBufferPointer { rp in
                guard let qb = qp.baseAddress, let rb = rp.baseAddress else { return }
                Parallel.forEachChunk(n, costPerItem: m * dim) { range in
                    for i in range {
                        var best = Float.infinity, label: UInt8 = 255
                        let query = qb + i * dim
                        for j in 0..<m {
                            let ref = rb + j * dim
                            var d: Float = 0
                            switch metric {
                            case .euclidean: for k in 0..<dim { let t = query[k] - ref[k]; d += t * t }
                            case .manhattan: for k in 0..<dim { d += abs(query[k] - ref[k]) }
                            case .cosine: for k in 0..<dim { d -= query[k] * ref[k] }
                            }
                            if d < best { best = d; label = referenceLabels[j] }
                        }
                        hits[i] = label == queryLabels[i] ? 1 : 0
                    }
                }
            }
        }
        return Double(hits.reduce(0, +)) / Double(max(n, 1))
    }

    static func rowNormalised(_ t: Tensor) -> Tensor {
        let dim = t.shape[1]
        return t.withUnsafeBufferPointer { src in
            var out = t
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<t.shape[0] {
                    var s: Float = 0
                    for k in 0..<dim { s += src[i * dim + k] * src[i * dim + k] }
                    let f = s > 0 ? 1 / s.squareRoot() : 0
                    for k in 0..<dim { dst[i * dim + k] = src[i * dim + k] * f }
                }
            }
            return out
        }
    }

    /// The whole report: threshold on validation pairs, accuracy and ROC AUC on the fixed test
    /// pairs, and 1-NN accuracy (test digits against at most `referenceLimit` training digits).
    public static func evaluate(_ model: PairModel, splits: MNISTSplits, referenceLimit: Int = 0) throws -> EvaluationReport {
        try Variable.withoutGradients { try evaluateWithoutGradients(model, splits: splits, referenceLimit: referenceLimit) }
    }

    static func evaluateWithoutGradients(_ model: PairModel, splits: MNISTSplits, referenceLimit: Int) throws -> EvaluationReport {
        let validationPairs = splits.validationPairs()
        let validationScores = try scores(model, digits: splits.validation, pairs: validationPairs)
        let (threshold, validationAccuracy) = bestThreshold(scores: validationScores, similar: validationPairs.similar)
        let testPairs = splits.testPairs()
        let testScores = try scores(model, digits: splits.test, pairs: testPairs)
        var nearest: Double?
        if model.configuration.architecture != .twoChannel {
            let references = referenceLimit > 0 && referenceLimit < splits.train.count
                ? splits.train.subset(Array(0..<referenceLimit)) : splits.train
            nearest = nearestNeighbourAccuracy(
                queries: try embeddings(model, digits: splits.test), queryLabels: splits.test.labels,
                references: try embeddings(model, digits: references), referenceLabels: references.labels,
                metric: model.configuration.metric)
        }
        return EvaluationReport(
            threshold: threshold, validationAccuracy: validationAccuracy,
            testAccuracy: accuracy(scores: testScores, similar: testPairs.similar, threshold: threshold),
            rocAUC: rocAUC(scores: testScores, similar: testPairs.similar),
            nearestNeighbourAccuracy: nearest, testPairs: testPairs.count, validationPairs: validationPairs.count)
    }
}
