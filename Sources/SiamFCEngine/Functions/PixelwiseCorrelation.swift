/// Pixel-wise correlation of `template` `[N, C, Hk, Wk]` with `search` `[N, C, Hs, Ws]`:
/// `[N, Hk·Wk, Hs, Ws]`, per item `Kᵀ · S` with K seen as `[C, Hk·Wk]` and S as
/// `[C, Hs·Ws]`; built from `reshape` and `matmul`, which carry the gradients.
public func pixelwiseCorrelation(template: Variable, search: Variable) throws -> Variable {
    let views = try PixelwiseCorrelation.shapes(template: template.shape, search: search.shape)
    let product = try matmul(try reshape(template, views.template), try reshape(search, views.search), transposeA: true)
    return try reshape(product, views.result)
}
