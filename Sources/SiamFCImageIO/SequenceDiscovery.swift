import SiamFCSupport
extension FrameSequence {
    /// The sequence folders under `roots`: a root that is itself a sequence (frames plus ground
    /// truth) counts as one; otherwise its subfolders that are sequences, in natural order. A
    /// root with neither fails, naming it.
    public static func discover(_ roots: [String]) throws -> [String] {
        var found: [String] = []
        for root in roots {
            if locateGroundTruth(root) != nil {
                found.append(root)
                continue
            }
            let children = try ImageIOError.translatingFileErrors { try FileSystem.contents(of: root) }.filter { !$0.hasPrefix(".") }
            let sequences = NaturalOrder.sorted(children).map { root.hasSuffix("/") ? root + $0 : root + "/" + $0 }
                .filter { FileSystem.isDirectory($0) && locateGroundTruth($0) != nil }
            guard !sequences.isEmpty else {
                throw ImageIOError(path: root, reason: .noGroundTruth, message: "no sequence with ground truth found")
            }
            found += sequences
        }
        return found
    }
}
