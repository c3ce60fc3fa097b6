import SiamFCEngine

/// A ``LightTrackNetwork`` for inference on tensors: batch norm folded into the convolutions,
/// activations fused into their stores. Immutable and `Sendable`: trackers on several threads
/// share it. It is also what the ONNX export writes, layer for layer.
public struct FoldedLightTrack: Sendable, NanoTrackNetworks {
    public let configuration: LightTrackConfiguration
    public let stem: FoldedConvolution
    public let blocks: [InvertedResidual.Folded]
    public let head: Head

    /// The head's layers, folded.
    public struct Head: Sendable {
        public let templateAdapter: FoldedConvolution
        public let searchAdapter: FoldedConvolution
        public let attention: SqueezeExcitation.Folded
        public let clsTower: [FoldedConvolution]
        public let regTower: [FoldedConvolution]
        public let cls: FoldedConvolution
        public let reg: FoldedConvolution
    }

    init(configuration: LightTrackConfiguration, stem: FoldedConvolution, blocks: [InvertedResidual.Folded], head: Head) {
        self.configuration = configuration
        self.stem = stem
        self.blocks = blocks
        self.head = head
    }

    /// Features `[N, C, S/16, S/16]` of crops `[N, 3, S, S]` (RGB 0–255).
    public func features(_ crop: Tensor) throws -> Tensor {
        guard crop.rank == 4, crop.shape[1] == 3 else {
            throw TrackerError("light model: crops must be [N, 3, S, S], got \(crop.shape)")
        }
        var x = try stem(crop)
        for block in blocks { x = try block(x) }
        return x
    }

    /// Class logits `[N, 2, 16, 16]` and distances `[N, 4, 16, 16]`.
    public func head(template: Tensor, search: Tensor) throws -> (classes: Tensor, distances: Tensor) {
        let channels = head.templateAdapter.weight.shape[1]
        guard template.rank == 4, search.rank == 4, template.shape[1] == channels, search.shape[1] == channels,
              template.shape[2] * template.shape[3] == LightTrackHead.correlationChannels else {
            throw TrackerError("light model head: template features \(template.shape) and search features \(search.shape) must be [N, \(channels), 8, 8] and [N, \(channels), H, W]")
        }
        let correlation = try Tensor.pixelwiseCorrelation(template: try head.templateAdapter(template),
                                                          search: try head.searchAdapter(search))
        let attended = try head.attention(correlation)
        var cls = attended, reg = attended
        for layer in head.clsTower { cls = try layer(cls) }
        for layer in head.regTower { reg = try layer(reg) }
        return (try head.cls(cls), try head.reg(reg).exp())
    }

    /// Multiply-adds ×2 of the backbone on one `side x side` crop.
    public func backboneFLOPs(inputSide side: Int) -> Int {
        var s = side, total = stem.flops(side: s)
        s = stem.outputSide(s)
        for block in blocks {
            total += block.flops(side: s)
            s = block.outputSide(s)
        }
        return total
    }

    /// Multiply-adds ×2 of the head on 8x8 template and `searchSide` square search features:
    /// adapters, correlation (a matrix product), attention and towers.
    public func headFLOPs(searchSide: Int = NanoTrackConfiguration.scoreSize) -> Int {
        let channels = head.templateAdapter.weight.shape[1], maps = LightTrackHead.correlationChannels
        var total = head.templateAdapter.flops(side: 8) + head.searchAdapter.flops(side: searchSide)
        total += 2 * maps * channels * searchSide * searchSide + head.attention.flops
        for layer in head.clsTower + head.regTower + [head.cls, head.reg] { total += layer.flops(side: searchSide) }
        return total
    }

    public func headFLOPs(template: Tensor, search: Tensor) throws -> Int { headFLOPs(searchSide: search.shape.last ?? 0) }
}
