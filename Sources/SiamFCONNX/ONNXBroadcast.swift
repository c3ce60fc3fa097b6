import SiamFCEngine

/// Element-wise Add, Sub, Mul and Div with ONNX (NumPy) broadcasting: shapes aligned on their
/// last dimensions, a dimension of 1 repeated. Equal shapes and squeeze-and-excitation scaling
/// (`[N, C, H, W] × [N, C, 1, 1]`) use the engine's kernels.
enum ONNXBroadcast {
    /// Results are bounded like the file's tensors (``ONNXLimits/maxElements``), so that a graph
    /// cannot ask for an unbounded allocation by broadcasting.
    static let maxElements = ONNXLimits.standard.maxElements

    /// The broadcast shape, or nil when the shapes do not broadcast or the result would have
    /// more than ``maxElements`` elements.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(x == 1 ? y : x)
        }
        var count = 1
        for d in out {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maxElements else { return nil }
            count = product
        }
        return out
    }

    static func apply(_ op: ONNXBinaryOperation, _ a: Tensor, _ b: Tensor) throws(EngineError) -> Tensor {
        guard let outShape = shape(a.shape, b.shape) else {
            throw EngineError("\(op.rawValue): shapes \(a.shape) and \(b.shape) do not broadcast (or exceed \(maxElements) elements)")
        }
        do {
            if a.shape == b.shape && op == .add { return try a.adding(b) }
            if op == .mul && a.rank == 4 && b.rank == 4 {
                if b.shape == [a.shape[0], a.shape[1], 1, 1] { return try a.scalingChannels(by: b) }
                if a.shape == [b.shape[0], b.shape[1], 1, 1] { return try b.scalingChannels(by: a) }
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError("\(op.rawValue): \(error)")
        }
        let rank = outShape.count
        func strides(_ s: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: rank - s.count) + s
            var result = [Int](repeating: 0, count: rank), step = 1
            for d in stride(from: rank - 1, through: 0, by: -1) {
                result[d] = padded[d] == 1 ? 0 : step
                step *= padded[d]
            }
            return result
        }
        let (sa, sb) = (strides(a.shape), strides(b.shape))
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                Tensor(uninitializedShape: outShape) { out in
                    guard out.count > 0 else { return }
                    var index = [Int](repeating: 0, count: rank)
                    var (ia, ib) = (0, 0)
                    for i in 0..<out.count {
                        out[i] = op.apply(x[ia], y[ib])
                        // Odometer over the output index, moving both input offsets.
                        var d = rank - 1
                        while d >= 0 {
                            index[d] += 1
                            ia += sa[d]; ib += sb[d]
                            if index[d] < outShape[d] { break }
                            ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
    }
}
