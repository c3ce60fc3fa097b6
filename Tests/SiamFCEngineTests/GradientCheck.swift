import Testing
@testable import SiamFCEngine

func randomTensor(_ shape: [Int], _ g: inout SeededGenerator, range: ClosedRange<Float> = -1...1) -> Tensor {
    let n = shape.reduce(1, *)
    return try! Tensor(shape: shape, values: (0..<n).map { _ in Float.random(in: range, using: &g) })
}

/// Values that are pairwise at least `gap` apart, shuffled: finite differences smaller than
/// half the gap never cross a kink of max pooling or ReLU.
func separatedTensor(_ shape: [Int], _ g: inout SeededGenerator, gap: Float = 0.05) -> Tensor {
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0) * gap - Float(n) * gap / 2 + gap / 2 }
    values.shuffle(using: &g)
    return try! Tensor(shape: shape, values: values)
}

/// Compares the gradients back-propagation gives with central finite differences of
/// `L = Σ f(inputs) · R` for a fixed random `R`, for every element of every input.
/// Errors are measured relative to the largest gradient, which keeps Float32 rounding noise
/// from dominating tiny entries.
func checkGradients(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-3, seed: UInt64 = 99,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Variable]) throws -> Variable
) throws {
    var g = SeededGenerator(seed: seed)
    let variables = inputs.map { Variable($0, requiresGrad: true) }
    let output = try f(variables)
    let projection = randomTensor(output.shape, &g)
    func loss(_ values: [Tensor]) throws -> Double {
        let y = try f(values.map { Variable($0) }).value
        var total: Double = 0
        y.withUnsafeBufferPointer { yp in
            projection.withUnsafeBufferPointer { rp in
                for i in 0..<yp.count { total += Double(yp[i]) * Double(rp[i]) }
            }
        }
        return total
    }
    output.backward(seed: projection)
    for (index, variable) in variables.enumerated() {
        let analytic = variable.grad ?? Tensor(zeros: variable.shape)
        var numeric = [Float](repeating: 0, count: inputs[index].count)
        for k in 0..<inputs[index].count {
            var plus = inputs, minus = inputs
            plus[index].withUnsafeMutableBufferPointer { $0[k] += epsilon }
            minus[index].withUnsafeMutableBufferPointer { $0[k] -= epsilon }
            numeric[k] = Float((try loss(plus) - loss(minus)) / Double(2 * epsilon))
        }
        let scale = max(1, numeric.map(abs).max() ?? 0)
        var worst: Float = 0
        var worstIndex = 0
        for k in 0..<numeric.count {
            let error = abs(analytic.scalars[k] - numeric[k]) / scale
            if error > worst { worst = error; worstIndex = k }
        }
        #expect(worst <= tolerance,
                "input \(index) \(inputs[index].shape): element \(worstIndex) analytic \(analytic.scalars[worstIndex]) numeric \(numeric[worstIndex])",
                sourceLocation: sourceLocation)
        #expect(analytic.shape == inputs[index].shape, sourceLocation: sourceLocation)
    }
}
