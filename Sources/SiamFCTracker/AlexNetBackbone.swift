import SiamFCEngine

/// SiamFC's AlexNet backbone as siamfc-pytorch defines it (`AlexNetV1`):
///
///     conv1: conv 11x11 /2 → BN → ReLU → max pool 3/2
///     conv2: conv 5x5, groups 2 → BN → ReLU → max pool 3/2
///     conv3: conv 3x3 → BN → ReLU
///     conv4: conv 3x3, groups 2 → BN → ReLU
///     conv5: conv 3x3, groups 2
///
/// Batch norm uses ε = 1e-6 and momentum 0.05. Parameter names follow siamfc-pytorch
/// (`conv1.0.weight`, `conv1.1.running_mean`, …) so its weight files load by name.
public enum AlexNetBackbone {
    /// Full width: 96/256/384/384/256 channels.
    public static let fullWidths = [96, 256, 384, 384, 256]

    /// The trainable network with `widths` output channels per convolution.
    public static func make(widths w: [Int], using generator: inout some RandomNumberGenerator) -> Sequential {
        func block(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, groups: Int = 1, norm: Bool = true,
                   pool: Bool = false) -> Sequential {
            var layers: [Module] = [Conv2d(cin, cout, kernel: k, stride: stride, groups: groups, using: &generator)]
            if norm { layers += [BatchNorm2d(cout, epsilon: 1e-6, momentum: 0.05), ReLU()] }
            if pool { layers.append(MaxPool2d(kernel: 3, stride: 2)) }
            return Sequential(layers)
        }
        return Sequential(named: [
            ("conv1", block(3, w[0], 11, stride: 2, pool: true)),
            ("conv2", block(w[0], w[1], 5, groups: 2, pool: true)),
            ("conv3", block(w[1], w[2], 3)),
            ("conv4", block(w[2], w[3], 3, groups: 2)),
            ("conv5", block(w[3], w[4], 3, groups: 2, norm: false)),
        ])
    }

    /// The widths a state dict implies: each convolution's output channels, read from the
    /// `prefix + "convN.0.weight"` tensors. Fails, naming the tensor, when one is missing or is
    /// not a 4-D weight, or when a width cannot be split into the layers' two groups.
    public static func widths(in state: [String: Tensor], prefix: String, source: String) throws -> [Int] {
        var widths: [Int] = []
        for i in 1...5 {
            let name = "\(prefix)conv\(i).0.weight"
            guard let weight = state[name] else { throw TrackerError("\(source): missing tensor \(name)") }
            guard weight.rank == 4, weight.shape[0] > 0 else {
                throw TrackerError("\(source): tensor \(name) has shape \(weight.shape), expected [out, in, k, k]")
            }
            widths.append(weight.shape[0])
        }
        guard widths.allSatisfy({ $0 % 2 == 0 }) else {
            // conv2, conv4 and conv5 have 2 groups, which must split their inputs and outputs.
            throw TrackerError("\(source): the grouped convolutions need even widths, the file has \(widths)")
        }
        return widths
    }
}

/// The backbone for inference: every batch norm folded into its convolution, ReLU fused into
/// the convolution's bias pass (or into the pooling that follows).
public struct FoldedBackbone: Sendable {
    struct Layer: Sendable {
        let weight: Tensor
        let bias: Tensor
        let stride: Int
        let groups: Int
        let relu: Bool
        let pool: Bool
    }

    let layers: [Layer]
    public let widths: [Int]

    /// Folds a trained (or loaded) ``AlexNetBackbone`` network.
    public init(_ network: Sequential) throws {
        var layers: [Layer] = []
        var widths: [Int] = []
        for (name, child) in network.children {
            guard let block = child as? Sequential, let conv = block.children.first?.1 as? Conv2d else {
                throw TrackerError("backbone block \(name) is not a convolution block")
            }
            let norm = block.children.count > 1 ? block.children[1].1 as? BatchNorm2d : nil
            let folded = try norm.map { try $0.folded(into: conv) }
                ?? (conv.weight.value, conv.bias?.value ?? Tensor(zeros: [conv.weight.shape[0]]))
            layers.append(Layer(weight: folded.0, bias: folded.1, stride: conv.stride, groups: conv.groups,
                                relu: block.children.contains { $0.1 is ReLU },
                                pool: block.children.contains { $0.1 is MaxPool2d }))
            widths.append(conv.weight.shape[0])
        }
        self.layers = layers
        self.widths = widths
    }

    /// Features of a batch of crops `[N, 3, S, S]` (RGB, 0...255).
    public func callAsFunction(_ crops: Tensor) throws -> Tensor {
        var x = crops
        for layer in layers {
            x = try x.conv2d(weight: layer.weight, bias: layer.bias, stride: layer.stride, groups: layer.groups,
                             relu: layer.relu && !layer.pool)
            if layer.pool { x = try x.maxPool2d(kernel: 3, stride: 2, relu: layer.relu) }
        }
        return x
    }

    /// Multiply-adds ×2 of one forward pass on `[batch, 3, size, size]`.
    public func flops(batch: Int, size: Int) -> Int {
        var side = size, channels = 3, total = 0
        for layer in layers {
            let k = layer.weight.shape[2]
            side = (side - k) / layer.stride + 1
            total += 2 * batch * layer.weight.shape[0] * side * side * (channels / layer.groups) * k * k
            channels = layer.weight.shape[0]
            if layer.pool { side = (side - 3) / 2 + 1 }
        }
        return total
    }
}
