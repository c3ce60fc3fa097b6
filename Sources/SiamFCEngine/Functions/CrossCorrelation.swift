/// The SiamFC head: slides exemplar features over search features and sums over channels,
/// times `scale` (SiamFC uses 0.001).
///
/// `search` is `[N, C, H, W]`; `exemplar` is `[1, C, h, w]` (one target against N search
/// regions, as in tracking at several scales) or `[N, C, h, w]` (pairs, as in training).
/// The result is `[N, 1, H - h + 1, W - w + 1]`.
public func crossCorrelation(search: Variable, exemplar: Variable, scale: Float = 1) throws -> Variable {
    let g = try CrossCorrelation.geometry(search: search.shape, exemplar: exemplar.shape)
    let y = CrossCorrelation.forward(g, search: search.value, exemplar: exemplar.value, scale: scale)
    return Variable(y, inputs: [search, exemplar]) { dy, inputs in
        let (x, z) = (inputs[0], inputs[1])
        let grads = CrossCorrelation.backward(g, search: x.value, exemplar: z.value, dy: dy, scale: scale,
                                              needSearch: x.requiresGrad, needExemplar: z.requiresGrad)
        if let d = grads.search { x.accumulate(d) }
        if let d = grads.exemplar { z.accumulate(d) }
    }
}
