/// Means over any set of axes (ONNX `ReduceMean`); ``globalAveragePool()`` is the NCHW case.
extension Tensor {
    /// The mean over `axes` (each in 0 ..< rank), which are kept as 1 or removed.
    public func mean(axes: Set<Int>, keepDimensions: Bool) throws -> Tensor {
        guard axes.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw EngineError("reduceMean: axes \(axes.sorted()) for shape \(shape)")
        }
        let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let reduced = shape.enumerated().filter { axes.contains($0.offset) }.map(\.element).reduce(1, *)
        var sums = [Double](repeating: 0, count: kept.reduce(1, *))
        var strides = [Int](repeating: 0, count: rank), step = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = kept[d] == 1 ? 0 : step
            step *= kept[d]
        }
        withUnsafeBufferPointer { src in
            guard src.count > 0 else { return }
            var index = [Int](repeating: 0, count: rank), target = 0
            for i in 0..<src.count {
                sums[target] += Double(src[i])
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    target += strides[d]
                    if index[d] < shape[d] { break }
                    target -= strides[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        let scale = reduced > 0 ? 1 / Double(reduced) : .nan
        let outShape = keepDimensions ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return Tensor(uninitialized: outShape, pointer: { dst in
            for i in 0..<sums.count { dst[i] = Float(sums[i] * scale) }
        })
    }
}
