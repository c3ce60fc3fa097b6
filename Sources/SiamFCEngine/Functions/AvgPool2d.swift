/// Average pooling with a `kernel x kernel` window.
public func avgPool2d(_ x: Variable, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
    let g = try PoolingGeometry(input: x.shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
    return Variable(Pooling.averageForward(g, x.value), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Pooling.averageBackward(g, dy))
    }
}
