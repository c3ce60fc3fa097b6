#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport
import SiamFCImageIO

/// Writes a sequence in OTB layout: `DIR/img/0001.jpg …` and `DIR/groundtruth_rect.txt`
/// (`x,y,w,h` per line, 1-based pixels, comma separated, no header, as OTB toolkits expect).
public enum SequenceWriter {
    /// Renders and encodes frames on all cores and replaces `directory` as a whole: the old
    /// folder stays until the new one is complete, so an interrupted run leaves no half sequence.
    public static func write(
        to directory: String, frameCount: Int, quality: Int = 85,
        render: @escaping @Sendable (Int) -> (image: RGBImage, box: BoundingBox)
    ) throws {
        guard frameCount > 0 else {
            throw ImageIOError(path: directory, reason: .writeFailed, message: "nothing to write: 0 frames")
        }
        let parent = PathName.parent(directory)
        try FileSystem.createDirectories(parent)
        let name = PathName.lastComponent(directory)
        let staging = PathName.join(parent, ".\(name).tmp-\(getpid())")
        try FileSystem.removeTree(staging)
        try FileSystem.createDirectories(PathName.join(staging, "img"))
        do {
            let digits = max(4, String(frameCount).count)
            let results = Array(0..<frameCount).concurrentMap { index -> Result<BoundingBox, ImageIOError> in
                let (image, box) = render(index)
                let file = PathName.join(staging, "img/" + zeroPadded(index + 1, digits) + ".jpg")
                do {
                    try AtomicFile.write(try ImageEncoder.jpeg(image, quality: quality), to: file)
                    return .success(box)
                } catch let error as ImageIOError {
                    return .failure(error)
                } catch {
                    return .failure(ImageIOError(path: file, reason: .writeFailed, message: "\(error)"))
                }
            }
            var lines = ""
            for result in results { lines += try result.get().description + "\n" }
            try AtomicFile.write(lines, to: PathName.join(staging, "groundtruth_rect.txt"))
            let old = PathName.join(parent, ".\(name).old-\(getpid())")
            if FileSystem.exists(directory) { try FileSystem.rename(directory, old) }
            try FileSystem.rename(staging, directory)
            try FileSystem.removeTree(old)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    static func zeroPadded(_ value: Int, _ digits: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
