#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// `max(x, 0)`, element-wise.
public func relu(_ x: Variable) -> Variable {
    let y = x.value.relu()
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(dy.zipMap(y) { g, out in out > 0 ? g : 0 })
    }
}

/// `1 / (1 + exp(-x))`, element-wise.
public func sigmoid(_ x: Variable) -> Variable {
    let y = x.value.map(stableSigmoid)
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(dy.zipMap(y) { g, s in g * s * (1 - s) })
    }
}

@inlinable
func stableSigmoid(_ v: Float) -> Float {
    v >= 0 ? 1 / (1 + expf(-v)) : expf(v) / (1 + expf(v))
}

extension Tensor {
    public func relu() -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                let x = UncheckedSendable(src.baseAddress!), y = UncheckedSendable(dst.baseAddress!)
                Parallel.forEachChunk(src.count) { range in
                    for i in range { y.value[i] = max(x.value[i], 0) }
                }
            }
        }
    }

    /// In place, for inference pipelines that own their activations.
    public mutating func applyReLU() {
        withUnsafeMutableBufferPointer { buffer in
            let p = UncheckedSendable(buffer.baseAddress!)
            Parallel.forEachChunk(buffer.count) { range in
                for i in range where p.value[i] < 0 { p.value[i] = 0 }
            }
        }
    }
}

