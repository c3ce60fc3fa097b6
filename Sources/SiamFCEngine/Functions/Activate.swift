/// `activation` applied element-wise to a variable, with its gradient: the unfused form of a
/// convolution's ``FusedActivation``, for layers that put batch norm between the two.
public func activate(_ x: Variable, _ activation: FusedActivation) -> Variable {
    if activation == .none { return x }
    return Variable(x.value.activated(activation), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(inputs[0].value.activationGradient(activation, dy))
    }
}
