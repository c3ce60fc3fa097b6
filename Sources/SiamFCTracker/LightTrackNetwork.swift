import SiamFCEngine

/// Our light single-scale Siamese tracking network, in NanoTrack's interface (see
/// docs/light-model.md): a MobileNetV3-style backbone shared by the 127 template and the 255
/// search crop (`[N, 3, S, S]` RGB 0–255 → `[N, C, S/16, S/16]`), and a head that correlates them
/// pixel-wise and predicts class logits `[N, 2, 16, 16]` (background, target) and distances
/// `[N, 4, 16, 16]` (left, top, right, bottom, search-crop pixels).
///
/// This is the trainable form (batch norm with batch statistics in training mode); state-dict
/// names are `backbone.stem.conv.weight`, `backbone.blocks.3.se.fc1.weight`,
/// `head.cls_tower.1.bn.running_var`, …. ``folded()`` gives the inference form.
public final class LightTrackNetwork: Module {
    public let configuration: LightTrackConfiguration
    public let stem: ConvBNActivation
    public let blocks: Sequential
    public let head: LightTrackHead
    public var isTraining = true

    /// A network with Kaiming-normal (fan-out) convolutions, as torchvision initialises
    /// MobileNetV3; see ``LightTrackHead`` for its output layers. Throws when the configuration
    /// does not fit NanoTrack's interface.
    public init(configuration: LightTrackConfiguration = .standard, using generator: inout some RandomNumberGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        stem = ConvBNActivation(3, configuration.stem, kernel: 3, stride: 2, padding: 0, activation: .hardSwish, using: &generator)
        var layers: [Module] = []
        var channels = configuration.stem
        for block in configuration.blocks {
            layers.append(InvertedResidual(channels, expanded: block.expanded, block.out, kernel: block.kernel, stride: block.stride,
                                           activation: block.activation.fused, squeezed: block.squeezed, using: &generator))
            channels = block.out
        }
        blocks = Sequential(layers)
        head = LightTrackHead(channels: channels, configuration: configuration, using: &generator)
        for (_, module) in namedModules() {
            guard let conv = module as? Conv2d, !(module === head.cls || module === head.reg) else { continue }
            let fanOut = conv.weight.shape[0] / conv.groups * conv.weight.shape[2] * conv.weight.shape[3]
            conv.weight.value = Self.normal(conv.weight.shape, std: (2 / Float(max(fanOut, 1))).squareRoot(), &generator)
            if let bias = conv.bias { bias.value = Tensor(zeros: bias.shape) }
        }
    }

    static func normal(_ shape: [Int], std: Float, _ generator: inout some RandomNumberGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(uninitializedShape: shape) { values in
            var i = 0
            while i < count {
                // Box–Muller: two normal values per pair of uniforms.
                let u = Float.random(in: Float.ulpOfOne...1, using: &generator), v = Float.random(in: 0..<1, using: &generator)
                let r = (-2 * logf(u)).squareRoot() * std
                values[i] = r * cosf(2 * .pi * v)
                if i + 1 < count { values[i + 1] = r * sinf(2 * .pi * v) }
                i += 2
            }
        }
    }

    /// Backbone features of a batch of crops.
    public func forward(_ x: Variable) throws -> Variable {
        try blocks(try stem(x))
    }

    /// Backbone features of a batch of crops and the output of block `block` on the way (for a
    /// hint at that depth in training).
    public func forward(_ x: Variable, keeping block: Int) throws -> (features: Variable, kept: Variable) {
        precondition(blocks.children.indices.contains(block), "LightTrackNetwork: no block \(block)")
        var y = try stem(x)
        var kept: Variable?
        for (index, (_, child)) in blocks.children.enumerated() {
            y = try child.forward(y)
            if index == block { kept = y }
        }
        guard let kept else { preconditionFailure("LightTrackNetwork: block \(block) was not run") }
        return (y, kept)
    }

    public func namedChildren() -> [(String, Module)] {
        [("backbone", Sequential(named: [("stem", stem), ("blocks", blocks)])), ("head", head)]
    }

    /// Class logits and distances for template and search features of the same batch.
    public func head(template: Variable, search: Variable) throws -> (classes: Variable, distances: Variable) {
        try head.forward(template: template, search: search)
    }

    /// The inference form: batch norm (running statistics) folded, activations fused.
    public func folded() throws -> FoldedLightTrack {
        try FoldedLightTrack(configuration: configuration, stem: stem.folded(),
                             blocks: blocks.children.map { child in
                                 guard let block = child.1 as? InvertedResidual else {
                                     throw TrackerError("light model: backbone block \(child.0) is not an inverted residual block")
                                 }
                                 return try block.folded()
                             },
                             head: head.folded())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
