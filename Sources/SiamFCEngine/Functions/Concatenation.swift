/// Concatenates NCHW tensors along channels; all other dimensions must agree.
public func concatChannels(_ parts: [Variable]) throws -> Variable {
    let y = try Tensor.concatChannels(parts.map(\.value))
    let channels = parts.map { $0.shape[1] }
    return Variable(y, inputs: parts) { dy, inputs in
        var offset = 0
        for (input, c) in zip(inputs, channels) {
            defer { offset += c }
            guard input.requiresGrad else { continue }
            input.accumulate(dy.channels(offset..<(offset + c)))
        }
    }
}
