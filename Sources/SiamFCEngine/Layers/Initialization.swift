/// Uniform values in ±bound: PyTorch's default initialisation of conv and linear layers.
func uniform(_ shape: [Int], _ bound: Float, _ generator: inout some RandomNumberGenerator) -> Tensor {
    let count = shape.map { max($0, 0) }.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = Float.random(in: -bound...bound, using: &generator) }
    return Tensor(uninitializedShape: shape.map { max($0, 0) }) { dst in
        for i in 0..<count { dst[i] = values[i] }
    }
}
