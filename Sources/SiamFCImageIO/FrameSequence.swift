import SiamFCSupport
/// A tracking sequence on disk: an ordered list of frame files and, when present, its ground
/// truth.
///
/// Layouts understood: OTB (`NAME/img/0001.jpg`, `NAME/groundtruth_rect.txt`), VOT
/// (`NAME/[img|color/]00000001.jpg`, `NAME/groundtruth.txt`) and GOT-10k
/// (`NAME/00000001.jpg`, `NAME/groundtruth.txt`, `NAME/absence.label`). The path may name the
/// sequence folder or its frame subfolder.
public struct FrameSequence: Sendable {
    /// The folder that was opened.
    public let path: String
    /// The folder that holds the frames: `path` or its `img`/`color` subfolder.
    public let framesDirectory: String
    /// Frame file paths in natural order (`2.jpg` before `10.jpg`); hidden files and non-image
    /// files are left out.
    public let frames: [String]
    public let groundTruth: GroundTruth?

    /// The sequence's name: its folder name (the parent's when `path` is a frame subfolder).
    public var name: String {
        let last = PathName.lastComponent(path)
        return Self.frameSubfolders.contains(last) ? PathName.lastComponent(PathName.parent(path)) : last
    }

    /// Opens a sequence. Fails with a one-line ``ImageIOError`` on a missing, empty or
    /// unreadable folder, a folder without images, a malformed ground-truth line or a
    /// ground-truth file with more lines than there are frames.
    public init(path: String) throws {
        let listing = try Self.listFrames(path)
        var groundTruth: GroundTruth?
        if let (file, format) = Self.locateGroundTruth(path) {
            let loaded = try GroundTruth.load(path: file, format: format)
            if loaded.lineCount > listing.frames.count {
                throw Self.longerThanSequence(loaded, frames: listing.frames.count)
            }
            groundTruth = loaded
        }
        self.init(path: path, framesDirectory: listing.directory, frames: listing.frames, groundTruth: groundTruth)
    }

    public init(path: String, framesDirectory: String, frames: [String], groundTruth: GroundTruth?) {
        self.path = path
        self.framesDirectory = framesDirectory
        self.frames = frames
        self.groundTruth = groundTruth
    }

    static let frameSubfolders: Set<String> = ["img", "color"]
    static let otbFiles = ["groundtruth_rect.txt", "groundtruth_rect.1.txt"]

    /// Lists the frames of a sequence folder (or of its `img`/`color` subfolder).
    public static func listFrames(_ path: String) throws -> (directory: String, frames: [String]) {
        let entries = try ImageIOError.translatingFileErrors { try FileSystem.contents(of: path) }
        var directory = path
        for sub in ["img", "color"] where entries.contains(sub) {
            let candidate = PathName.join(path, sub)
            if FileSystem.isDirectory(candidate) {
                directory = candidate
                break
            }
        }
        let names = directory == path ? entries : try ImageIOError.translatingFileErrors { try FileSystem.contents(of: directory) }
        if names.isEmpty {
            throw ImageIOError(path: directory, reason: .emptyDirectory, message: "empty folder: no frames")
        }
        let images = names.filter { name in
            !name.hasPrefix(".") && ImageFormat.frameExtensions.contains(PathName.extension(of: name))
                && FileSystem.isFile(PathName.join(directory, name))
        }
        if images.isEmpty {
            throw ImageIOError(
                path: directory, reason: .noImages,
                message: "no image files (.jpg, .jpeg, .png) among \(names.count) entries")
        }
        return (directory, NaturalOrder.sorted(images).map { PathName.join(directory, $0) })
    }

    /// Finds the ground-truth file of a sequence folder (or of the parent of a frame subfolder).
    public static func locateGroundTruth(_ path: String) -> (path: String, format: GroundTruth.Format)? {
        var folders = [path]
        if frameSubfolders.contains(PathName.lastComponent(path)) { folders.append(PathName.parent(path)) }
        for folder in folders {
            for name in otbFiles {
                let file = PathName.join(folder, name)
                if FileSystem.isFile(file) { return (file, .otb) }
            }
            let file = PathName.join(folder, "groundtruth.txt")
            if FileSystem.isFile(file) {
                let got = ["absence.label", "meta_info.ini"].contains { FileSystem.exists(PathName.join(folder, $0)) }
                return (file, got ? .got10k : .vot)
            }
        }
        return nil
    }

    static func longerThanSequence(_ groundTruth: GroundTruth, frames: Int) -> ImageIOError {
        ImageIOError(
            path: groundTruth.path, reason: .groundTruthLongerThanSequence,
            message: "\(groundTruth.lineCount) ground-truth lines for \(frames) frames")
    }
}
