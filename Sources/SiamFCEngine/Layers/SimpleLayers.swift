// Parameter-free layers, so that whole networks can be written as `Sequential`.

public final class ReLU: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ x: Variable) throws -> Variable { relu(x) }
}

public final class MaxPool2d: Module {
    public let kernel, stride: Int
    public var isTraining = true
    public init(kernel: Int, stride: Int? = nil) {
        self.kernel = kernel
        self.stride = stride ?? kernel
    }
    public func forward(_ x: Variable) throws -> Variable { try maxPool2d(x, kernel: kernel, stride: stride) }
}

public final class AvgPool2d: Module {
    public let kernel, stride: Int
    public var isTraining = true
    public init(kernel: Int, stride: Int? = nil) {
        self.kernel = kernel
        self.stride = stride ?? kernel
    }
    public func forward(_ x: Variable) throws -> Variable { try avgPool2d(x, kernel: kernel, stride: stride) }
}

public final class Flatten: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ x: Variable) throws -> Variable { try flatten(x) }
}
