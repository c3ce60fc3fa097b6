/// Max and average pooling over NCHW tensors, square windows, no ceil mode (PyTorch's defaults).
public struct PoolingGeometry: Sendable, Equatable {
    public let batch, channels, height, width: Int
    public let kernel, stride, padding: Int
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

    public init(input: [Int], kernel: Int, stride: Int, padding: Int = 0, op: String) throws {
        guard input.count == 4 else { throw EngineError("\(op): input must be NCHW, got shape \(input)") }
        guard kernel >= 1, stride >= 1, padding >= 0, padding * 2 <= kernel else {
            throw EngineError("\(op): kernel \(kernel), stride \(stride), padding \(padding) out of range")
        }
        guard input[2] + 2 * padding >= kernel, input[3] + 2 * padding >= kernel else {
            throw EngineError("\(op): window \(kernel) larger than input \(input)")
        }
        batch = input[0]; channels = input[1]; height = input[2]; width = input[3]
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    var outShape: [Int] { [batch, channels, outHeight, outWidth] }
}

/// The pooling kernels: max pooling in MaxPooling.swift, average pooling in AveragePooling.swift.
enum Pooling {}
