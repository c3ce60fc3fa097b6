/// Pixel-wise correlation (NanoTrack, Alpha-Refine): every template pixel's C-dimensional
/// feature against every search pixel's, `Kᵀ · S` per item with K seen as `[C, Hk·Wk]` and S as
/// `[C, Hs·Ws]`, giving `[N, Hk·Wk, Hs, Ws]`. Built from reshapes and a batched matmul.
enum PixelwiseCorrelation {
    /// The batched-matrix views of template and search, and the result's shape.
    static func shapes(template k: [Int], search s: [Int]) throws -> (template: [Int], search: [Int], result: [Int]) {
        guard k.count == 4, s.count == 4, k[0] == s[0], k[1] == s[1] else {
            throw EngineError("pixelwiseCorrelation: template \(k) and search \(s) must be NCHW with equal N and C")
        }
        return ([k[0], k[1], k[2] * k[3]], [s[0], s[1], s[2] * s[3]], [s[0], k[2] * k[3], s[2], s[3]])
    }
}

extension Tensor {
    /// Pixel-wise correlation of `template` `[N, C, Hk, Wk]` with `search` `[N, C, Hs, Ws]`:
    /// `[N, Hk·Wk, Hs, Ws]`, channel `i` holding template pixel `i`'s dot product with every
    /// search pixel. Throws naming the shapes when N or C differ.
    public static func pixelwiseCorrelation(template: Tensor, search: Tensor) throws -> Tensor {
        let views = try PixelwiseCorrelation.shapes(template: template.shape, search: search.shape)
        let product = try template.reshaped(views.template).matmul(search.reshaped(views.search), transposeSelf: true)
        return try product.reshaped(views.result)
    }
}
