import SiamFCEngine

/// The head of ``LightTrackNetwork``: 1x1 adapters (convolution + batch norm) on template and
/// search features, one pixel-wise correlation (`[N, 64, 16, 16]`: each of the template's 8x8
/// cells against every search cell), channel attention on the 64 maps (squeeze-and-excitation
/// with a sigmoid gate), then two towers of `towerDepth` (depthwise 3x3 + BN, pointwise + BN +
/// ReLU6) pairs, a 1x1 classifier (2 logits) and a 1x1 regressor whose exponential gives the four
/// distances.
///
/// The output layers start small (normal, σ 0.01) and the regressor's bias at ln 32, so an
/// untrained head predicts a 64-pixel box: the size of a typical target in the search crop.
public final class LightTrackHead: Module {
    public let templateAdapter: ConvBNActivation
    public let searchAdapter: ConvBNActivation
    public let attention: SqueezeExcitation
    public let clsTower: Sequential
    public let regTower: Sequential
    public let cls: Conv2d
    public let reg: Conv2d
    public var isTraining = true

    /// Correlation maps: one per cell of the 8x8 template features.
    public static let correlationChannels = 64

    init(channels: Int, configuration: LightTrackConfiguration, using generator: inout some RandomNumberGenerator) {
        templateAdapter = ConvBNActivation(channels, channels, activation: .none, using: &generator)
        searchAdapter = ConvBNActivation(channels, channels, activation: .none, using: &generator)
        let maps = Self.correlationChannels, width = configuration.towerWidth
        attention = SqueezeExcitation(channels: maps, squeezed: configuration.attentionSqueezed, gate: .sigmoid, using: &generator)
        func tower() -> Sequential {
            var layers: [Module] = []
            var inputs = maps
            for _ in 0..<configuration.towerDepth {
                layers.append(ConvBNActivation(inputs, inputs, kernel: 3, groups: inputs, activation: .none, using: &generator))
                layers.append(ConvBNActivation(inputs, width, activation: .relu6, using: &generator))
                inputs = width
            }
            return Sequential(layers)
        }
        clsTower = tower()
        regTower = tower()
        cls = Conv2d(width, 2, kernel: 1, using: &generator)
        reg = Conv2d(width, 4, kernel: 1, using: &generator)
        cls.weight.value = LightTrackNetwork.normal(cls.weight.shape, std: 0.01, &generator)
        reg.weight.value = LightTrackNetwork.normal(reg.weight.shape, std: 0.01, &generator)
        cls.bias?.value = Tensor(zeros: [2])
        reg.bias?.value = Tensor(repeating: Self.initialLogDistance, shape: [4])
    }

    /// ln 32: an untrained regressor predicts 32 pixels to each side.
    public static let initialLogDistance: Float = 3.4657359

    /// The head takes two inputs: use ``forward(template:search:)``.
    public func forward(_ x: Variable) throws -> Variable {
        throw EngineError("the light model's head takes template and search features: call forward(template:search:)")
    }

    public func forward(template: Variable, search: Variable) throws -> (classes: Variable, distances: Variable) {
        let correlation = try pixelwiseCorrelation(template: try templateAdapter(template), search: try searchAdapter(search))
        guard correlation.shape.count == 4, correlation.shape[1] == Self.correlationChannels else {
            throw EngineError("light model head: template features \(template.shape) must be 8x8")
        }
        let attended = try attention(correlation)
        return (try cls(try clsTower(attended)), exp(try reg(try regTower(attended))))
    }

    public func namedChildren() -> [(String, Module)] {
        [("template_adapter", templateAdapter), ("search_adapter", searchAdapter), ("attention", attention),
         ("cls_tower", clsTower), ("reg_tower", regTower), ("cls", cls), ("reg", reg)]
    }

    func folded() throws -> FoldedLightTrack.Head {
        func tower(_ sequence: Sequential) throws -> [FoldedConvolution] {
            try sequence.children.map { child in
                guard let layer = child.1 as? ConvBNActivation else {
                    throw TrackerError("light model: tower layer \(child.0) is not a convolution block")
                }
                return try layer.folded()
            }
        }
        func plain(_ conv: Conv2d) -> FoldedConvolution {
            FoldedConvolution(weight: conv.weight.value, bias: conv.bias?.value ?? Tensor(zeros: [conv.weight.shape[0]]))
        }
        return FoldedLightTrack.Head(templateAdapter: try templateAdapter.folded(), searchAdapter: try searchAdapter.folded(),
                                     attention: attention.folded(), clsTower: try tower(clsTower), regTower: try tower(regTower),
                                     cls: plain(cls), reg: plain(reg))
    }
}
