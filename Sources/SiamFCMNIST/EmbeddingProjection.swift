import SiamFCEngine

/// Two-dimensional views of embeddings for plots.
public enum EmbeddingProjection {
    /// The rows of `[N, D]` embeddings as 2-D points: as they are for D = 2, the first
    /// coordinate against zero for D = 1, otherwise their projection on the two principal
    /// components (power iteration on the covariance, with deflation).
    public static func project(_ embeddings: Tensor) -> [(Double, Double)] {
        let (n, d) = (embeddings.shape[0], embeddings.shape[1])
        let values = embeddings.scalars.map(Double.init)
        if d == 2 { return (0..<n).map { (values[2 * $0], values[2 * $0 + 1]) } }
        if d == 1 { return (0..<n).map { (values[$0], 0) } }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += values[i * d + j] / Double(n) } }
        var covariance = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for a in 0..<d {
                let x = values[i * d + a] - mean[a]
                for b in 0..<d { covariance[a * d + b] += x * (values[i * d + b] - mean[b]) }
            }
        }
        var components: [[Double]] = []
        for c in 0..<2 {
            // A fixed, non-degenerate start so the result is repeatable.
            var v = (0..<d).map { 1 / Double($0 + 1 + c) }
            for _ in 0..<200 {
                var next = [Double](repeating: 0, count: d)
                for a in 0..<d { for b in 0..<d { next[a] += covariance[a * d + b] * v[b] } }
                let norm = next.map { $0 * $0 }.reduce(0, +).squareRoot()
                guard norm > 0 else { break }
                v = next.map { $0 / norm }
            }
            components.append(v)
            // Deflate: remove this component's variance before finding the next.
            var lambda = 0.0
            for a in 0..<d { for b in 0..<d { lambda += v[a] * covariance[a * d + b] * v[b] } }
            for a in 0..<d { for b in 0..<d { covariance[a * d + b] -= lambda * v[a] * v[b] } }
        }
        return (0..<n).map { i in
            let row = (0..<d).map { values[i * d + $0] - mean[$0] }
            return (zip(row, components[0]).map(*).reduce(0, +), zip(row, components[1]).map(*).reduce(0, +))
        }
    }
}
