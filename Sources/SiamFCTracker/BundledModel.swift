import Foundation

/// The models shipped as resources of this library (see MODEL.md). Both were trained by this
/// project's own trainers from random initialisation.
public enum BundledModel: String, CaseIterable, Sendable {
    /// Our light NanoTrack-interface model (``LightTrackNetwork``): the default.
    case light = "light-default"
    /// Our AlexNet-layout SiamFC at 0.25 width, three search scales.
    case siamfc = "siamfc-default"

    /// The model commands use when none is given.
    public static let `default` = BundledModel.light

    /// The resource's file name.
    public var fileName: String { rawValue + ".safetensors" }

    /// Where the file is, or nil when the library's resource bundle is not next to the running
    /// executable (a binary copied away from its build folder). Looked up by hand rather than
    /// with `Bundle.module`, which stops the process when the bundle is missing.
    public var path: String? {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        let folder = executable.deletingLastPathComponent()
        let bundles = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        let candidates = (bundles ?? []).filter { $0.hasSuffix("_SiamFCTracker.resources") || $0.hasSuffix("_SiamFCTracker.bundle") }
            .flatMap { bundle in
                [folder.appendingPathComponent(bundle).appendingPathComponent(fileName).path,
                 folder.appendingPathComponent(bundle).appendingPathComponent("Contents/Resources/" + fileName).path]
            }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// ``path``, or a one-line error saying the resource is missing.
    public func requirePath() throws(TrackerError) -> String {
        guard let path else {
            throw TrackerError("the bundled model \(rawValue) (\(fileName)) is not next to this executable; pass a model file instead")
        }
        return path
    }

    /// The model, ready to track: a ``NanoTrackModel`` with ``NanoTrackConfiguration/lightTrack``
    /// settings, or a three-scale ``SiamFCModel``.
    public func load() throws -> any TrackerModel {
        switch self {
        case .light: try NanoTrackModel.bundled()
        case .siamfc: try SiamFCModel.bundled()
        }
    }
}

extension NanoTrackModel {
    /// The default model: our light network (see MODEL.md), with the settings tuned for it.
    public static func bundled(configuration: NanoTrackConfiguration = .lightTrack) throws -> NanoTrackModel {
        try NanoTrackModel(lightModel: try BundledModel.light.requirePath(), configuration: configuration)
    }
}

extension SiamFCModel {
    /// Our AlexNet-layout SiamFC at 0.25 width (see MODEL.md), the default model before the
    /// light one; three search scales.
    public static func bundled() throws -> SiamFCModel {
        try SiamFCModel(contentsOf: try BundledModel.siamfc.requirePath())
    }
}
