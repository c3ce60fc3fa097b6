/// Max pooling with a `kernel x kernel` window (AlexNet: 3, stride 2).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
    let g = try PoolingGeometry(input: x.shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
    guard x.requiresGrad, !Variable.gradientsDisabled else { return Variable(Pooling.maxForward(g, x.value, argmax: nil)) }
    let indices = IndexBuffer(count: g.outShape.reduce(1, *))
    let y = Pooling.maxForward(g, x.value, argmax: indices.pointer)
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Pooling.maxBackward(g, dy, argmax: indices.pointer))
    }
}
