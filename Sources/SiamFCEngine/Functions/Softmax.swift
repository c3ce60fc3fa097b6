/// Softmax along `axis` (default 1: the channels of NCHW), numerically stable; throws when the
/// axis is out of range for the shape.
public func softmax(_ x: Variable, axis: Int = 1) throws -> Variable {
    let (outer, size, inner) = try Softmax.layout(x.shape, axis: axis, op: "softmax")
    let y = Softmax.forward(x.value, outer: outer, size: size, inner: inner)
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Softmax.backward(y, dy, outer: outer, size: size, inner: inner))
    }
}
