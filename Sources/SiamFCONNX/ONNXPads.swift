import SiamFCEngine

/// Padding of the two spatial dimensions of an NCHW tensor that differs between sides: ONNX
/// `pads` `[top, left, bottom, right]`, applied as a separate step before a convolution or
/// pooling whose own padding is then 0.
struct ONNXPads: Sendable, Equatable {
    /// Before each spatial dimension (top, left).
    let begin: [Int]
    /// After each spatial dimension (bottom, right).
    let end: [Int]

    /// `x` padded with `value`; the result is bounded like the file's tensors.
    func apply(_ x: Tensor, value: Float) throws(EngineError) -> Tensor {
        guard x.rank == 4 else { throw EngineError("pads \(begin + end) need an NCHW input, got \(x.shape)") }
        return try ONNXPads.padded(x, begin: [0, 0] + begin, end: [0, 0] + end, value: value)
    }

    /// Any-rank padding after checking the result's size against ``ONNXLimits/maxElements``.
    static func padded(_ x: Tensor, begin: [Int], end: [Int], value: Float) throws(EngineError) -> Tensor {
        guard begin.count == x.rank, end.count == x.rank else {
            throw EngineError("pad: \(begin.count) amounts for shape \(x.shape)")
        }
        var count = 1
        for d in 0..<x.rank {
            let (size, o1) = x.shape[d].addingReportingOverflow(begin[d])
            let (total, o2) = size.addingReportingOverflow(end[d])
            let (product, o3) = count.multipliedReportingOverflow(by: max(total, 0))
            guard !o1, !o2, !o3, total >= 0, product <= ONNXLimits.standard.maxElements else {
                throw EngineError("pad: \(begin) and \(end) do not fit shape \(x.shape) (at most \(ONNXLimits.standard.maxElements) elements)")
            }
            count = product
        }
        do { return try x.padded(begin: begin, end: end, value: value) } catch let error as EngineError { throw error } catch {
            throw EngineError("pad: \(error)")
        }
    }
}
