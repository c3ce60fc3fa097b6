import SiamFCEngine

/// The widths and layout of a ``LightTrackNetwork``, stored as JSON in its model file's metadata
/// so that a file says what network it holds. ``standard`` is the design in
/// docs/light-model.md; other values let training try narrower or wider variants.
public struct LightTrackConfiguration: Codable, Sendable, Equatable {
    /// The activation of a block's expansion and depthwise convolutions.
    public enum Activation: String, Codable, Sendable {
        case relu
        case hardSwish

        var fused: FusedActivation { self == .relu ? .relu : .hardSwish }
    }

    /// One inverted residual block of the backbone.
    public struct Block: Codable, Sendable, Equatable {
        public var expanded: Int
        public var out: Int
        public var kernel: Int
        public var stride: Int
        public var activation: Activation
        /// Squeeze-and-excitation on the expanded channels (bottleneck `expanded / 4`, at least 8).
        public var se: Bool

        public init(expanded: Int, out: Int, kernel: Int, stride: Int, activation: Activation, se: Bool) {
            self.expanded = expanded
            self.out = out
            self.kernel = kernel
            self.stride = stride
            self.activation = activation
            self.se = se
        }

        var squeezed: Int? { se ? max(8, expanded / 4) : nil }
    }

    /// Output channels of the 3x3 stride-2 stem (no padding, HardSwish).
    public var stem: Int
    public var blocks: [Block]
    /// Width of the classification and regression towers.
    public var towerWidth: Int
    /// Depthwise 3x3 + pointwise pairs in each tower.
    public var towerDepth: Int
    /// Bottleneck of the channel attention on the 64 correlation maps.
    public var attentionSqueezed: Int

    public init(stem: Int, blocks: [Block], towerWidth: Int, towerDepth: Int, attentionSqueezed: Int) {
        self.stem = stem
        self.blocks = blocks
        self.towerWidth = towerWidth
        self.towerDepth = towerDepth
        self.attentionSqueezed = attentionSqueezed
    }

    /// The default design: 0.073 GFLOP for the backbone on a 255 search crop, 0.033 for the head.
    public static let standard = LightTrackConfiguration(
        stem: 16,
        blocks: [
            Block(expanded: 16, out: 16, kernel: 3, stride: 2, activation: .relu, se: false),
            Block(expanded: 48, out: 24, kernel: 3, stride: 2, activation: .relu, se: false),
            Block(expanded: 72, out: 24, kernel: 3, stride: 1, activation: .relu, se: false),
            Block(expanded: 96, out: 48, kernel: 5, stride: 2, activation: .hardSwish, se: true),
            Block(expanded: 144, out: 48, kernel: 5, stride: 1, activation: .hardSwish, se: true),
            Block(expanded: 144, out: 48, kernel: 5, stride: 1, activation: .hardSwish, se: true),
            Block(expanded: 192, out: 64, kernel: 3, stride: 1, activation: .hardSwish, se: true),
        ],
        towerWidth: 96, towerDepth: 3, attentionSqueezed: 16)

    /// Channels of the backbone's features.
    public var featureChannels: Int { blocks.last?.out ?? stem }

    /// The largest width any layer may have: bounds what a file's metadata can make us allocate.
    public static let maxWidth = 1024
    public static let maxBlocks = 32

    /// Spatial side of the features for a crop side: the stem (3x3, stride 2, no padding), then
    /// each block's depthwise convolution (padding `kernel / 2`).
    public func featureSide(_ side: Int) -> Int {
        blockSides(side).last ?? (side - 3) / 2 + 1
    }

    /// Spatial side of each block's output for a crop side.
    public func blockSides(_ side: Int) -> [Int] {
        var s = (side - 3) / 2 + 1
        return blocks.map { block in
            s = (s + 2 * (block.kernel / 2) - block.kernel) / block.stride + 1
            return s
        }
    }

    /// Checks every width and kernel, and that a 127 template gives 8x8 features and a 255 search
    /// crop 16x16 (NanoTrack's interface). Errors say what is wrong, for a message naming the file.
    public func validate() throws(TrackerError) {
        let widths = [stem, towerWidth, attentionSqueezed] + blocks.flatMap { [$0.expanded, $0.out] }
        guard widths.allSatisfy({ (1...Self.maxWidth).contains($0) }) else {
            throw TrackerError("light model widths must be within 1...\(Self.maxWidth), the configuration has \(widths)")
        }
        guard (1...Self.maxBlocks).contains(blocks.count), (1...8).contains(towerDepth) else {
            throw TrackerError("a light model has 1...\(Self.maxBlocks) blocks and towers of depth 1...8, the configuration has \(blocks.count) and \(towerDepth)")
        }
        for (i, block) in blocks.enumerated() {
            guard [3, 5, 7].contains(block.kernel), [1, 2].contains(block.stride) else {
                throw TrackerError("light model block \(i): kernel \(block.kernel) and stride \(block.stride) must be 3, 5 or 7 and 1 or 2")
            }
        }
        let template = featureSide(NanoTrackConfiguration.templateSize), search = featureSide(NanoTrackConfiguration.searchSize)
        guard template == 8, search == NanoTrackConfiguration.scoreSize else {
            throw TrackerError("a light model must turn 127 and 255 crops into 8x8 and 16x16 features, this configuration gives \(template)x\(template) and \(search)x\(search)")
        }
    }
}
