/// Cross-correlation as a convolution. With one exemplar `[1, C, h, w]` the exemplar is the
/// weight of a one-output convolution over the `[N, C, H, W]` search maps. With N exemplars the
/// pairs are one grouped convolution, as siamfc-pytorch computes them: the search maps seen as
/// one image `[1, N·C, H, W]`, the exemplars as the weight of N groups, and the `[1, N, H', W']`
/// output seen as `[N, 1, H', W']`. Either way forward and backward run the convolution kernels.
enum CrossCorrelation {
    /// The convolution that computes the cross-correlation of these shapes.
    static func geometry(search: [Int], exemplar: [Int]) throws -> ConvolutionGeometry {
        guard search.count == 4, exemplar.count == 4, search[1] == exemplar[1],
              exemplar[0] == 1 || exemplar[0] == search[0]
        else {
            throw EngineError("crossCorrelation: exemplar \(exemplar) does not fit search \(search)")
        }
        if exemplar[0] == 1 {
            return try ConvolutionGeometry(input: search, weight: exemplar, stride: 1, padding: 0, groups: 1)
        }
        // Validated pair by pair first, so that errors name the shapes of one pair.
        _ = try ConvolutionGeometry(input: [1] + search.dropFirst(), weight: [1] + exemplar.dropFirst(),
                                    stride: 1, padding: 0, groups: 1)
        let pairs = search[0]
        return try ConvolutionGeometry(input: [1, pairs * search[1], search[2], search[3]], weight: exemplar,
                                       stride: 1, padding: 0, groups: pairs)
    }

    /// The search maps as the convolution's input: `[1, N·C, H, W]` for pairs.
    static func convolutionInput(_ g: ConvolutionGeometry, _ search: Tensor) -> Tensor {
        g.groups == 1 ? search : search.viewed(as: [1, g.inChannels, g.height, g.width])
    }

    /// The response maps `[N, 1, H', W']`, times `scale`.
    static func forward(_ g: ConvolutionGeometry, search: Tensor, exemplar: Tensor, scale: Float) -> Tensor {
        var y = Convolution.forward(g, input: convolutionInput(g, search), weight: exemplar, bias: nil)
        if g.groups > 1 { y = y.viewed(as: [g.groups, 1, g.outHeight, g.outWidth]) }
        if scale != 1 { y.scale(by: scale) }
        return y
    }

    /// Gradients of search maps and exemplars for the gradient `dy` of the scaled responses.
    static func backward(_ g: ConvolutionGeometry, search: Tensor, exemplar: Tensor, dy: Tensor, scale: Float,
                         needSearch: Bool, needExemplar: Bool) -> (search: Tensor?, exemplar: Tensor?) {
        var scaled = dy.viewed(as: [g.batch, g.outChannels, g.outHeight, g.outWidth])
        scaled.scale(by: scale)
        let grads = Convolution.backward(g, input: convolutionInput(g, search), weight: exemplar, dy: scaled,
                                         needInput: needSearch, needWeight: needExemplar, needBias: false)
        return (grads.input.map { $0.viewed(as: search.shape) }, grads.weight)
    }
}

extension Tensor {
    /// The SiamFC head on plain tensors: ``crossCorrelation(search:exemplar:scale:)`` without
    /// a graph.
    public static func crossCorrelation(search: Tensor, exemplar: Tensor, scale: Float = 1) throws -> Tensor {
        let g = try CrossCorrelation.geometry(search: search.shape, exemplar: exemplar.shape)
        return CrossCorrelation.forward(g, search: search, exemplar: exemplar, scale: scale)
    }
}
