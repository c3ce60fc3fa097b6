/// A dense, contiguous Float32 array with a shape: NCHW for images and feature maps
/// (batch, channels, height, width), `[rows, columns]` for matrices.
///
/// Value semantics with copy-on-write: copies share storage until one of them is written.
/// Element loops in the engine go through ``withUnsafeBufferPointer(_:)`` and
/// ``withUnsafeMutableBufferPointer(_:)``; there is no per-element allocation.
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    var storage: TensorStorage

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// A tensor of zeros. Negative dimensions count as zero.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    public init(repeating value: Float, shape: [Int]) {
        let shape = shape.map { max($0, 0) }
        self.shape = shape
        self.storage = TensorStorage(repeating: value, count: shape.reduce(1, *))
    }

    /// Wraps values in row-major order; fails when the count does not match the shape.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw EngineError("Tensor: \(values.count) values do not fill shape \(shape)")
        }
        self.shape = shape
        storage = TensorStorage(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.update(from: base, count: values.count) }
        }
    }

    /// A tensor filled by `body`, which must write every element: the buffer starts
    /// uninitialised, which saves a pass over large tensors.
    public init(uninitializedShape shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.init(uninitialized: shape, pointer: { _ in })
        body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// As ``init(uninitializedShape:_:)``, handing `body` the first element's address, which
    /// exists even for an empty tensor (kernels need no `baseAddress` unwrapping).
    init(uninitialized shape: [Int], pointer body: (UnsafeMutablePointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: shape.reduce(1, *))
        body(storage.pointer)
    }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// A one-dimensional tensor.
    public init(vector values: [Float]) {
        self.init(uninitializedShape: [values.count]) { dst in
            for i in 0..<values.count { dst[i] = values[i] }
        }
    }

    /// Scalar convenience.
    public init(_ value: Float) {
        self.init(repeating: value, shape: [])
    }

    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count)) }

    /// The first element; for scalars and one-element tensors.
    public var item: Float {
        precondition(count > 0, "Tensor.item: the tensor of shape \(shape) is empty")
        return storage.pointer[0]
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The first element's address, for kernels; never nil, also for an empty tensor.
    func withBaseAddress<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(storage.pointer)
    }

    /// The first element's address for writing, after copy-on-write; never nil.
    mutating func withMutableBaseAddress<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(storage.pointer)
    }

    /// The same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw EngineError("reshape: cannot infer a dimension of \(newShape) for \(count) elements")
            }
            resolved[inferred] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw EngineError("reshape: shape \(shape) (\(count) elements) cannot become \(newShape)")
        }
        return Tensor(shape: resolved, storage: storage)
    }

    /// The same storage under a shape the engine derived itself (a gradient taking back its
    /// input's shape, a batch seen as channel groups); a different element count is a bug.
    func viewed(as newShape: [Int]) -> Tensor {
        precondition(newShape.allSatisfy { $0 >= 0 } && newShape.reduce(1, *) == count,
                     "Tensor: shape \(shape) (\(count) elements) cannot be viewed as \(newShape)")
        return Tensor(shape: newShape, storage: storage)
    }

    public subscript(index: Int...) -> Float {
        get { storage.pointer[offset(index)] }
        set {
            let i = offset(index)
            withUnsafeMutableBufferPointer { $0[i] = newValue }
        }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) does not fit shape \(shape)")
        var offset = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor: index \(index) is out of range for shape \(shape)")
            offset = offset * d + i
        }
        return offset
    }
}

extension Tensor: Equatable {
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.elementsEqual(y) } }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
    }
}
