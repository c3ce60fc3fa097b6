import SiamFCEngine

/// Integer values of the graph (shapes, axes, indices, slice bounds), which the runner carries
/// as Float32 tensors: exact up to 2^24, which covers every dimension a tensor within
/// ``ONNXLimits`` can use as a shape or index.
enum ONNXIntegers {
    static let exactLimit: Float = 0x1p24

    /// The values as integers; anything not an integer below 2^24 in magnitude is an error
    /// naming `what`.
    static func exact(_ t: Tensor, what: String) throws(EngineError) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(t.count)
        for v in t.scalars {
            guard v.isFinite, abs(v) <= exactLimit, v.rounded(.towardZero) == v else {
                throw EngineError("\(what) must hold integers (|v| ≤ 2^24), got \(v)")
            }
            result.append(Int(v))
        }
        return result
    }

    /// The values as integers, clamped to ±2^40 (slice bounds, where INT64_MAX means "to the
    /// end"); NaN is an error.
    static func clamped(_ t: Tensor, what: String) throws(EngineError) -> [Int] {
        try t.scalars.map { (v: Float) throws(EngineError) -> Int in
            guard !v.isNaN else { throw EngineError("\(what) must hold integers, got NaN") }
            return Int(min(max(v, -0x1p40), 0x1p40).rounded(.towardZero))
        }
    }

    /// `axis` in `-rank..<rank` as `0..<rank`.
    static func axis(_ axis: Int, rank: Int, what: String) throws(EngineError) -> Int {
        guard axis >= -rank, axis < rank else { throw EngineError("\(what) \(axis) is out of range for rank \(rank)") }
        return axis < 0 ? axis + rank : axis
    }

    /// Distinct axes in `-rank..<rank` as `0..<rank`.
    static func axes(_ axes: [Int], rank: Int, what: String) throws(EngineError) -> [Int] {
        var result: [Int] = []
        for a in axes {
            let n = try axis(a, rank: rank, what: what)
            guard !result.contains(n) else { throw EngineError("\(what) \(axes) repeat an axis") }
            result.append(n)
        }
        return result
    }

    /// The product of `dims`, or nil past ``ONNXLimits/maxElements``.
    static func elementCount(_ dims: [Int]) -> Int? {
        var count = 1
        for d in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, product <= ONNXLimits.standard.maxElements else { return nil }
            count = product
        }
        return count
    }
}
