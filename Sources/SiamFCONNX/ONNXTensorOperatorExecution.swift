import SiamFCEngine

extension ONNXOperator {
    /// Runs the operators decoded by `decodeTensorOperator`; integer inputs (axes, indices,
    /// bounds, pads) are read from their Float32 values (see ``ONNXIntegers``).
    func runTensorOperator(_ x: Tensor, _ inputs: [Tensor?]) throws -> Tensor {
        func input(_ i: Int) -> Tensor? { i < inputs.count ? inputs[i] : nil }
        func integers(_ i: Int, _ what: String) throws -> [Int]? {
            guard let t = input(i) else { return nil }
            guard t.rank <= 1 else { throw EngineError("\(what) must be 1-D, got shape \(t.shape)") }
            return try ONNXIntegers.exact(t, what: what)
        }
        switch self {
        case .concat(let axis):
            let parts = try inputs.map { (t: Tensor?) throws -> Tensor in
                guard let t else { throw EngineError("concat: input left out") }
                return t
            }
            let a = try ONNXIntegers.axis(axis, rank: x.rank, what: "concat: axis")
            let total = parts.reduce(0) { $0 + $1.count }
            guard total <= ONNXLimits.standard.maxElements else { throw EngineError("concat: \(total) elements is too many") }
            return try Tensor.concatenated(parts, axis: a)
        case .slice(let constant):
            if let constant { return try constant.apply(x) }
            func bounds(_ i: Int, _ what: String) throws -> [Int]? {
                guard let t = input(i) else { return nil }
                guard t.rank == 1 else { throw EngineError("slice: \(what) must be 1-D, got shape \(t.shape)") }
                return try ONNXIntegers.clamped(t, what: "slice: \(what)")
            }
            guard let starts = try bounds(1, "starts"), let ends = try bounds(2, "ends") else {
                throw EngineError("slice: starts and ends are required")
            }
            let bounds = ONNXSliceBounds(starts: starts, ends: ends, axes: try integers(3, "slice: axes"), steps: try bounds(4, "steps"))
            return try bounds.apply(x)
        case .shape(let start, let end):
            func clamp(_ i: Int) -> Int { min(max(i < 0 ? i + x.rank : i, 0), x.rank) }
            let (from, to) = (clamp(start), clamp(end ?? x.rank))
            return Tensor(vector: x.shape[from..<max(from, to)].map(Float.init))
        case .gather(let axis):
            guard let indexTensor = input(1) else { throw EngineError("gather: missing indices") }
            let a = try ONNXIntegers.axis(axis, rank: x.rank, what: "gather: axis")
            let indices = try ONNXIntegers.exact(indexTensor, what: "gather: indices").map { $0 < 0 ? $0 + x.shape[a] : $0 }
            let outShape = Array(x.shape[..<a]) + indexTensor.shape + Array(x.shape[(a + 1)...])
            guard ONNXIntegers.elementCount(outShape) != nil else { throw EngineError("gather: result \(outShape) is too large") }
            return try x.gathered(indices: indices, indexShape: indexTensor.shape, axis: a)
        case .unsqueeze(let attribute):
            guard let given = try attribute ?? integers(1, "unsqueeze: axes") else { throw EngineError("unsqueeze: missing axes") }
            let rank = x.rank + given.count
            guard rank <= ONNXLimits.standard.maxTensorRank else { throw EngineError("unsqueeze: rank \(rank) is too high") }
            let axes = Set(try ONNXIntegers.axes(given, rank: rank, what: "unsqueeze: axes"))
            var shape: [Int] = [], next = 0
            for d in 0..<rank {
                if axes.contains(d) { shape.append(1) } else { shape.append(x.shape[next]); next += 1 }
            }
            return try x.reshaped(shape)
        case .squeeze(let attribute):
            let given = try attribute ?? integers(1, "squeeze: axes")
            let axes = try given.map { try Set(ONNXIntegers.axes($0, rank: x.rank, what: "squeeze: axes")) }
            for a in axes ?? [] where x.shape[a] != 1 { throw EngineError("squeeze: dimension \(a) of \(x.shape) is not 1") }
            let shape = x.shape.enumerated().filter { d in axes.map { !$0.contains(d.offset) } ?? (d.element != 1) }.map(\.element)
            return try x.reshaped(shape)
        case .softmax(let axis, let coerced):
            let a = try ONNXIntegers.axis(axis, rank: x.rank, what: "softmax: axis")
            guard coerced else { return try x.softmax(axis: a) }
            let rows = x.shape[..<a].reduce(1, *)
            return try x.reshaped([rows, x.count / max(rows, 1)]).softmax(axis: 1).reshaped(x.shape)
        case .pad(let attribute, let constantValue):
            guard let amounts = try attribute ?? integers(1, "pad: pads") else { throw EngineError("pad: missing pads") }
            var value = constantValue
            if let v = input(2) {
                guard v.count == 1 else { throw EngineError("pad: constant_value must be one number, got shape \(v.shape)") }
                value = v.scalars[0]
            }
            let axes = try integers(3, "pad: axes").map { try ONNXIntegers.axes($0, rank: x.rank, what: "pad: axes") }
                ?? Array(0..<x.rank)
            guard amounts.count == 2 * axes.count else {
                throw EngineError("pad: \(amounts.count) pads for \(axes.count) axes of shape \(x.shape)")
            }
            var begin = [Int](repeating: 0, count: x.rank), end = begin
            for (i, a) in axes.enumerated() {
                begin[a] = amounts[i]
                end[a] = amounts[axes.count + i]
            }
            return try ONNXPads.padded(x, begin: begin, end: end, value: value)
        case .reduceMean(let attribute, let keep, let noop):
            let given = try attribute ?? integers(1, "reduceMean: axes") ?? []
            if given.isEmpty && noop { return x }
            let axes = given.isEmpty ? Array(0..<x.rank) : try ONNXIntegers.axes(given, rank: x.rank, what: "reduceMean: axes")
            return try x.mean(axes: Set(axes), keepDimensions: keep)
        case .cast(let cast):
            return cast.apply(x)
        default:
            preconditionFailure("runTensorOperator called for \(typeName)")
        }
    }
}
