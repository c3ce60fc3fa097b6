/// Bilinear or bicubic resize of `[N, C, H, W]` to `[N, C, height, width]`, as
/// ``Tensor/resized(height:width:interpolation:)``, with its gradient.
public func resize(_ x: Variable, height: Int, width: Int, interpolation: Interpolation) throws -> Variable {
    let y = try x.value.resized(height: height, width: width, interpolation: interpolation)
    let inputShape = x.shape
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Tensor.resizeGradient(dy, inputShape: inputShape, interpolation: interpolation))
    }
}
