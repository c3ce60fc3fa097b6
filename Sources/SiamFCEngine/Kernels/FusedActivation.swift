import CKernels
import SiamFCSupport

/// An activation applied to a convolution's outputs as they are stored (MobileNetV3 and
/// NanoTrack follow most convolutions with one of these).
public enum FusedActivation: Sendable, Equatable, CaseIterable {
    /// The convolution's output as it is.
    case none
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, 0), 6)`.
    case relu6
    /// `x · min(max(x + 3, 0), 6) / 6`, rounded as `x · clamp(fma(x, 1/6, 1/2), 0, 1)`.
    case hardSwish

    /// The activation of one value; the same expression the C kernels evaluate, so fused and
    /// separate activations agree to the bit.
    @inlinable
    public func apply(_ v: Float) -> Float {
        switch self {
        case .none: return v
        case .relu: return v < 0 ? 0 : v
        case .relu6: return v < 0 ? 0 : (v > 6 ? 6 : v)
        case .hardSwish: return hardSwishValue(v)
        }
    }

    /// `d apply(z) / dz` at the pre-activation value `z` (0 at and beyond the kinks).
    @inlinable
    public func derivative(at z: Float) -> Float {
        switch self {
        case .none: return 1
        case .relu: return z > 0 ? 1 : 0
        case .relu6: return z > 0 && z < 6 ? 1 : 0
        case .hardSwish: return hardSwishDerivative(z)
        }
    }

    /// The value the C kernels take (`SFC_ACTIVATION_*`).
    var code: Int32 {
        switch self {
        case .none: return Int32(SFC_ACTIVATION_NONE)
        case .relu: return Int32(SFC_ACTIVATION_RELU)
        case .relu6: return Int32(SFC_ACTIVATION_RELU6)
        case .hardSwish: return Int32(SFC_ACTIVATION_HARDSWISH)
        }
    }
}

/// `x · min(max(x + 3, 0), 6) / 6`, evaluated as the C kernels do and as OpenCV 5's dnn does:
/// `x · clamp(fma(x, 1/6, 1/2), 0, 1)`. Other groupings (a division by 6, `x + 3` first) round
/// differently, and NanoTrack's boxes match OpenCV's only with its outputs to the bit.
@inlinable
func hardSwishValue(_ v: Float) -> Float {
    let t = (0.5 as Float).addingProduct(v, 1 / 6 as Float)
    return v * (t < 0 ? 0 : (t > 1 ? 1 : t))
}

/// The derivative of HardSwish: 0 below −3, 1 above 3, `(2x + 3) / 6` between.
@inlinable
func hardSwishDerivative(_ z: Float) -> Float {
    z < -3 ? 0 : (z > 3 ? 1 : (2 * z + 3) / 6)
}

/// An element-wise function as a type, so that the generic loops below are specialised for it
/// and the function is inlined into them (a closure would be called per element, which costs
/// ten times the arithmetic).
protocol ElementwiseFunction: Sendable {
    func callAsFunction(_ v: Float) -> Float
}

/// An element-wise function of two values (gradients: incoming gradient and saved value).
protocol ElementwisePairFunction: Sendable {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A closure as an ``ElementwiseFunction`` (for the rare callers without a dedicated type).
struct ElementwiseClosure: ElementwiseFunction {
    let body: @Sendable (Float) -> Float
    func callAsFunction(_ v: Float) -> Float { body(v) }
}

struct ElementwisePairClosure: ElementwisePairFunction {
    let body: @Sendable (Float, Float) -> Float
    func callAsFunction(_ a: Float, _ b: Float) -> Float { body(a, b) }
}

/// One fused activation, specialised per case.
struct ActivationFunction<Case: ActivationCase>: ElementwiseFunction {
    @inline(__always) func callAsFunction(_ v: Float) -> Float { Case.activation.apply(v) }
}

/// `dy · activation'(z)`.
struct ActivationDerivative<Case: ActivationCase>: ElementwisePairFunction {
    @inline(__always) func callAsFunction(_ g: Float, _ z: Float) -> Float { g * Case.activation.derivative(at: z) }
}

protocol ActivationCase: Sendable { static var activation: FusedActivation { get } }
enum ReLUCase: ActivationCase { static var activation: FusedActivation { .relu } }
enum ReLU6Case: ActivationCase { static var activation: FusedActivation { .relu6 } }
enum HardSwishCase: ActivationCase { static var activation: FusedActivation { .hardSwish } }

extension Tensor {
    /// `transform` applied to every element, split over the cores (a closure is called per
    /// element: hot paths pass an ``ElementwiseFunction`` instead).
    func parallelMap(_ transform: @escaping @Sendable (Float) -> Float) -> Tensor {
        parallelMap(ElementwiseClosure(body: transform))
    }

    /// `transform` applied to every element, split over the cores, specialised for `F`.
    func parallelMap<F: ElementwiseFunction>(_ transform: F) -> Tensor {
        withBaseAddress { src in
            Tensor(uninitialized: shape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                Parallel.forEachChunk(count, costPerItem: 4) { range in
                    for i in range { y.value[i] = transform(x.value[i]) }
                }
            })
        }
    }

    /// `combine(self[i], other[i])` for every element of two same-shaped tensors, split over
    /// the cores; a shape mismatch is a bug in the caller.
    func parallelZipMap(_ other: Tensor, _ combine: @escaping @Sendable (Float, Float) -> Float) -> Tensor {
        parallelZipMap(other, ElementwisePairClosure(body: combine))
    }

    /// The same as the closure version, specialised for `F`.
    func parallelZipMap<F: ElementwisePairFunction>(_ other: Tensor, _ combine: F) -> Tensor {
        precondition(shape == other.shape, "Tensor.parallelZipMap: shapes \(shape) and \(other.shape) differ")
        return withBaseAddress { a in
            other.withBaseAddress { b in
                Tensor(uninitialized: shape, pointer: { dst in
                    let (x, y, z) = (UncheckedSendable(a), UncheckedSendable(b), UncheckedSendable(dst))
                    Parallel.forEachChunk(count, costPerItem: 4) { range in
                        for i in range { z.value[i] = combine(x.value[i], y.value[i]) }
                    }
                })
            }
        }
    }

    /// The activation applied to every element (as a convolution fuses it).
    public func activated(_ activation: FusedActivation) -> Tensor {
        switch activation {
        case .none: return self
        case .relu: return parallelMap(ActivationFunction<ReLUCase>())
        case .relu6: return parallelMap(ActivationFunction<ReLU6Case>())
        case .hardSwish: return parallelMap(ActivationFunction<HardSwishCase>())
        }
    }

    /// The gradient through `activation` for the output gradient `dy`, `self` being the
    /// pre-activation values.
    func activationGradient(_ activation: FusedActivation, _ dy: Tensor) -> Tensor {
        switch activation {
        case .none: return dy
        case .relu: return dy.parallelZipMap(self, ActivationDerivative<ReLUCase>())
        case .relu6: return dy.parallelZipMap(self, ActivationDerivative<ReLU6Case>())
        case .hardSwish: return dy.parallelZipMap(self, ActivationDerivative<HardSwishCase>())
        }
    }
}
