/// `max(0, min(1, α·x + β))`, element-wise (ONNX HardSigmoid, defaults α = 0.2, β = 0.5).
public func hardSigmoid(_ x: Variable, alpha: Float = 0.2, beta: Float = 0.5) -> Variable {
    Variable(x.value.hardSigmoid(alpha: alpha, beta: beta), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(inputs[0].value.hardSigmoidGradient(dy, alpha: alpha, beta: beta))
    }
}
