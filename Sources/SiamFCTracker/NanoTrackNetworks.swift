import SiamFCEngine

/// The two networks of a NanoTrack-interface tracker: a backbone shared by template and search
/// crops, and a head that correlates their features. ``NanoTrackModel`` runs either NanoTrack's
/// ONNX pair (``ONNXNanoTrackNetworks``) or our own light network (``FoldedLightTrack``).
public protocol NanoTrackNetworks: Sendable {
    /// Features `[1, C, S/16, S/16]` of a `[1, 3, S, S]` crop (RGB 0–255).
    func features(_ crop: Tensor) throws -> Tensor
    /// Class logits `[1, 2, 16, 16]` (background, target) and distances `[1, 4, 16, 16]`.
    func head(template: Tensor, search: Tensor) throws -> (classes: Tensor, distances: Tensor)
    /// Multiply-adds ×2 of the backbone on one `side x side` crop.
    func backboneFLOPs(inputSide side: Int) throws -> Int
    /// Multiply-adds ×2 of one head run on these features.
    func headFLOPs(template: Tensor, search: Tensor) throws -> Int
}
