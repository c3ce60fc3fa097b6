import SiamFCSupport

/// Which files are taken for videos without opening them: in a sequence folder, where the
/// folder's listing decides what it holds. A file named on the command line is opened as a
/// video whatever its name, since FFmpeg recognises formats by their content.
public enum VideoFiles {
    /// Extensions of the containers people usually have (lower case, without the dot).
    public static let extensions: Set<String> = [
        "mp4", "m4v", "mov", "qt", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "3gp", "3g2",
        "flv", "wmv", "asf", "ogv", "mxf", "y4m", "h264", "264", "hevc", "265", "ivf", "nut",
    ]

    /// Whether a file name has one of ``extensions`` (case-insensitive).
    public static func hasVideoExtension(_ path: String) -> Bool {
        extensions.contains(PathName.extension(of: path).lowercased())
    }
}
