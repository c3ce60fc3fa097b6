import Foundation

extension SiamFCModel {
    /// The file name of the default model shipped as a resource of this library.
    public static let bundledFileName = "siamfc-default.safetensors"

    /// Where the bundled default model is, or nil when its resource bundle is not next to the
    /// running executable (a binary copied away from its build folder). Looked up by hand rather
    /// than with `Bundle.module`, which stops the process when the bundle is missing.
    public static var bundledPath: String? {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        let folder = executable.deletingLastPathComponent()
        let bundles = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        let candidates = (bundles ?? []).filter { $0.hasSuffix("_SiamFCTracker.resources") || $0.hasSuffix("_SiamFCTracker.bundle") }
            .flatMap { bundle in
                [folder.appendingPathComponent(bundle).appendingPathComponent(bundledFileName).path,
                 folder.appendingPathComponent(bundle).appendingPathComponent("Contents/Resources/" + bundledFileName).path]
            }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The default model: an AlexNet-layout SiamFC at 0.25 width trained by this project's own
    /// trainer (see MODEL.md). Fails with a one-line error when the resource cannot be found.
    public static func bundled() throws -> SiamFCModel {
        guard let path = bundledPath else {
            throw TrackerError("the bundled model (\(bundledFileName)) is not next to this executable; pass a model file instead")
        }
        return try SiamFCModel(contentsOf: path)
    }
}
