#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

@inlinable
func stableSigmoid(_ v: Float) -> Float {
    v >= 0 ? 1 / (1 + expf(-v)) : expf(v) / (1 + expf(v))
}

extension Tensor {
    public func relu() -> Tensor {
        withBaseAddress { src in
            Tensor(uninitialized: shape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                Parallel.forEachChunk(count) { range in
                    for i in range { y.value[i] = max(x.value[i], 0) }
                }
            })
        }
    }

    /// In place, for inference pipelines that own their activations.
    public mutating func applyReLU() {
        let count = self.count
        withMutableBaseAddress { base in
            let p = UncheckedSendable(base)
            Parallel.forEachChunk(count) { range in
                for i in range where p.value[i] < 0 { p.value[i] = 0 }
            }
        }
    }

    /// The gradient of a ReLU whose output was `self`, for the output gradient `dy`.
    func reluGradient(_ dy: Tensor) -> Tensor {
        dy.zipMap(self) { g, out in out > 0 ? g : 0 }
    }

    /// `1 / (1 + exp(-x))`, element-wise, without overflow for large `|x|`.
    public func sigmoid() -> Tensor {
        map(stableSigmoid)
    }

    /// The gradient of a sigmoid whose output was `self`, for the output gradient `dy`.
    func sigmoidGradient(_ dy: Tensor) -> Tensor {
        dy.zipMap(self) { g, s in g * s * (1 - s) }
    }
}
