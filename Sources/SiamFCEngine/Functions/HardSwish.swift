/// `x · min(max(x + 3, 0), 6) / 6`, element-wise (MobileNetV3's HardSwish).
public func hardSwish(_ x: Variable) -> Variable {
    Variable(x.value.hardSwish(), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(inputs[0].value.activationGradient(.hardSwish, dy))
    }
}
