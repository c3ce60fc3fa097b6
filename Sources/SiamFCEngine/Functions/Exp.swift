/// `eˣ`, element-wise; the gradient is the output times the incoming gradient.
public func exp(_ x: Variable) -> Variable {
    let y = x.value.exp()
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(dy.parallelZipMap(y, *))
    }
}
