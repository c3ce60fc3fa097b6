import SiamFCSupport
/// The image formats this module reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg = "JPEG"
    case png = "PNG"

    /// The format named by the file's first bytes. Extensions lie (a PNG saved as `.jpg` is
    /// common in tracking datasets), magic bytes do not.
    public static func detect(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(8))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        return nil
    }

    /// File extensions (lower case) that mark a file as a frame when listing a folder.
    public static let frameExtensions: Set<String> = ["jpg", "jpeg", "jpe", "png"]

    /// The format a new file gets from its extension, for writers; nil when it names neither.
    public static func forWriting(path: String) -> ImageFormat? {
        switch PathName.extension(of: path) {
        case "jpg", "jpeg", "jpe": return .jpeg
        case "png": return .png
        default: return nil
        }
    }
}
