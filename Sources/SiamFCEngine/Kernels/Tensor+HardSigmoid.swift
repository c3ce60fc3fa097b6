extension Tensor {
    /// `max(0, min(1, α·x + β))`, element-wise (ONNX HardSigmoid; its defaults are α = 0.2,
    /// β = 0.5, PyTorch's `hardsigmoid` is α = 1/6, β = 0.5).
    public func hardSigmoid(alpha: Float = 0.2, beta: Float = 0.5) -> Tensor {
        parallelMap(HardSigmoidFunction(alpha: alpha, beta: beta))
    }

    /// The gradient of a HardSigmoid at the inputs `self`: `α·dy` where `0 < α·x + β < 1`.
    func hardSigmoidGradient(_ dy: Tensor, alpha: Float, beta: Float) -> Tensor {
        dy.parallelZipMap(self) { g, x in
            let t = alpha * x + beta
            return t > 0 && t < 1 ? alpha * g : 0
        }
    }
}

/// `max(0, min(1, α·x + β))` as an ``ElementwiseFunction``, with `α·x + β` one fused
/// multiply-add as OpenCV 5's dnn computes it (NanoTrack's squeeze-and-excitation gates).
struct HardSigmoidFunction: ElementwiseFunction {
    let alpha, beta: Float
    @inline(__always) func callAsFunction(_ v: Float) -> Float {
        let t = beta.addingProduct(alpha, v)
        return t < 0 ? 0 : (t > 1 ? 1 : t)
    }
}
