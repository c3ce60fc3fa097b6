#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// `eˣ`, element-wise (overflows to +inf above about 88.7, as Float32 does).
    public func exp() -> Tensor { parallelMap { expf($0) } }
}
