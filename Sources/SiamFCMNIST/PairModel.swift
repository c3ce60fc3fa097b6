import SiamFCEngine
import SiamFCSupport

/// How the two digits of a pair reach the comparison.
public enum Architecture: String, Sendable, Codable, CaseIterable {
    /// Two branches that are one module: shared weights.
    case siamese
    /// Two branches of the same shape with separate weights (pseudo-Siamese).
    case pseudo
    /// Both digits stacked as two channels into one CNN that outputs a similarity logit
    /// (Zagoruyko and Komodakis, CVPR 2015).
    case twoChannel = "2ch"
}

/// What training minimises.
public enum PairLoss: String, Sendable, Codable, CaseIterable {
    /// Hadsell, Chopra and LeCun (2006) on the embedding distance.
    case contrastive
    /// Binary cross-entropy on a similarity logit: `w·d + b` on the embedding distance, or the
    /// 2-channel network's output.
    case bce
    /// Triplet margin loss on triplets drawn by class.
    case triplet
}

/// The network's shape and the comparison it is trained for.
public struct ModelConfiguration: Sendable, Codable, Equatable {
    public var architecture: Architecture = .siamese
    public var loss: PairLoss = .contrastive
    /// A ``Distance`` name: `euclidean`, `cosine` or `manhattan`.
    public var distance: String = Distance.euclidean.rawValue
    public var margin: Float = 1
    public var embeddingSize: Int = 16
    /// Output channels of the two 5x5 convolutions.
    public var channels: [Int] = [32, 64]
    /// Width of the hidden fully connected layer.
    public var hidden: Int = 256

    public init() {}

    public var metric: Distance { Distance(rawValue: distance) ?? .euclidean }

    /// Checks the combination; the message says what to change.
    public func validate() throws {
        guard Distance(rawValue: distance) != nil else {
            throw MNISTError(path: "", message: "unknown distance \"\(distance)\" (use euclidean, cosine or manhattan)")
        }
        if architecture == .twoChannel && loss != .bce {
            throw MNISTError(path: "", message: "the 2ch network outputs a similarity logit: train it with --loss bce")
        }
        guard channels.count == 2, channels.allSatisfy({ $0 >= 1 && $0 <= 1024 }), hidden >= 1, hidden <= 8192,
              embeddingSize >= 1, embeddingSize <= 4096
        else {
            throw MNISTError(path: "", message: "channels \(channels), hidden \(hidden), embedding \(embeddingSize) out of range")
        }
        guard margin > 0, margin.isFinite else { throw MNISTError(path: "", message: "margin must be positive") }
    }
}

/// The networks of one experiment and the forward passes training and evaluation need.
public final class PairModel {
    public let configuration: ModelConfiguration
    /// The embedding network (siamese: both branches; pseudo: the first), or the 2-channel net.
    let first: Sequential
    /// The second branch of the pseudo-Siamese network.
    let second: Sequential?
    /// `logit = w·d + b` for BCE on an embedding distance.
    let head: Linear?

    public init(configuration: ModelConfiguration, seed: UInt64) {
        self.configuration = configuration
        var generator = SplitMix64(seed: seed)
        let c = configuration
        func network(inputs: Int, outputs: Int) -> Sequential {
            // conv 5x5 → ReLU → pool 2 → conv 5x5 → ReLU → pool 2 → fc → ReLU → fc, on 28x28:
            // 28 → 24 → 12 → 8 → 4.
            Sequential([
                Conv2d(inputs, c.channels[0], kernel: 5, using: &generator), ReLU(), MaxPool2d(kernel: 2),
                Conv2d(c.channels[0], c.channels[1], kernel: 5, using: &generator), ReLU(), MaxPool2d(kernel: 2),
                Flatten(), Linear(c.channels[1] * 16, c.hidden, using: &generator), ReLU(),
                Linear(c.hidden, outputs, using: &generator),
            ])
        }
        switch c.architecture {
        case .siamese, .pseudo:
            first = network(inputs: 1, outputs: c.embeddingSize)
            second = c.architecture == .pseudo ? network(inputs: 1, outputs: c.embeddingSize) : nil
            if c.loss == .bce {
                let linear = Linear(1, 1, using: &generator)
                // Start as "similar when closer than the margin": logit = margin − d.
                linear.weight.value = Tensor(repeating: -1, shape: [1, 1])
                linear.bias?.value = Tensor(vector: [c.margin])
                head = linear
            } else {
                head = nil
            }
        case .twoChannel:
            first = network(inputs: 2, outputs: 1)
            second = nil
            head = nil
        }
    }

    /// Submodules under the names their parameters carry in checkpoints.
    var modules: [(String, Module)] {
        var list: [(String, Module)] = [("first", first)]
        if let second { list.append(("second", second)) }
        if let head { list.append(("head", head)) }
        return list
    }

    public var parameters: [Variable] { modules.flatMap { $0.1.parameters } }

    /// Every weight, named `first.0.weight`, `second.…`, `head.…`.
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (prefix, module) in modules {
            for (name, tensor) in module.stateDict() { state["\(prefix).\(name)"] = tensor }
        }
        return state
    }

    public func load(stateDict: [String: Tensor], source: String) throws {
        for (prefix, module) in modules { try module.load(stateDict: stateDict, prefix: prefix + ".", source: source) }
    }

    /// Embeddings `[N, embeddingSize]` from the first (or, for pseudo, the second) branch.
    public func embed(_ digits: Tensor, secondBranch: Bool = false) throws -> Variable {
        let branch = secondBranch ? (second ?? first) : first
        return try branch(Variable(digits))
    }

    /// Similarity scores for pairs, higher for more similar: the logit for BCE, otherwise the
    /// negated distance.
    public func scores(_ a: Tensor, _ b: Tensor, stacked: Tensor? = nil) throws -> [Float] {
        try similarity(a, b, stacked: stacked).value.scalars
    }

    /// The differentiable similarity score `[N]` of pairs.
    func similarity(_ a: Tensor, _ b: Tensor, stacked: Tensor?) throws -> Variable {
        switch configuration.architecture {
        case .twoChannel:
            guard let stacked else { throw MNISTError(path: "", message: "the 2ch network needs stacked pairs") }
            return try reshape(try first(Variable(stacked)), [-1])
        case .siamese, .pseudo:
            let d = try pairwiseDistance(try embed(a), try embed(b, secondBranch: true), configuration.metric)
            if let head { return try reshape(try head(try reshape(d, [-1, 1])), [-1]) }
            return d * -1
        }
    }
}
