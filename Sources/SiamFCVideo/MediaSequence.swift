import SiamFCImageIO
import SiamFCSupport

/// A sequence to track, whatever holds its frames: a folder of images (OTB, VOT or GOT-10k
/// layout), a video file, or a folder that holds one video file and its ground truth.
public struct MediaSequence: Sendable {
    /// Where the frames are.
    public enum Media: Sendable, Equatable {
        /// Image files in natural order.
        case images([String])
        /// One video file.
        case video(String)
    }

    /// The path that was opened.
    public let path: String
    public let media: Media
    public let groundTruth: GroundTruth?

    /// The folder's name (the parent's for an `img/` subfolder), or a video file's name without
    /// its extension.
    public var name: String {
        if case .video(let file) = media, file == path {
            let last = PathName.lastComponent(file)
            let ext = PathName.extension(of: file)
            return ext.isEmpty ? last : String(last.dropLast(ext.count + 1))
        }
        return FrameSequence(path: path, framesDirectory: path, frames: [], groundTruth: nil).name
    }

    /// The frame count when known without decoding: a folder's image count; nil for a video.
    public var frameCount: Int? {
        if case .images(let files) = media { return files.count }
        return nil
    }

    public var isVideo: Bool {
        if case .video = media { return true }
        return false
    }

    /// Opens a sequence. A file is a video (any format FFmpeg reads, whatever its name). A
    /// folder holds image frames (directly or in `img/`/`color/`), or else exactly one video
    /// file (by its extension, see ``VideoFiles``), with its ground truth when there is one.
    /// Fails with a one-line ``ImageIOError`` as ``FrameSequence/init(path:)`` does; a video's
    /// ground truth is checked against its length only once it is decoded.
    public init(path: String) throws {
        self.path = path
        if FileSystem.isFile(path) {
            media = .video(path)
            groundTruth = nil
            return
        }
        do {
            let sequence = try FrameSequence(path: path)
            media = .images(sequence.frames)
            groundTruth = sequence.groundTruth
        } catch let error as ImageIOError where error.reason == .noImages || error.reason == .emptyDirectory {
            guard let video = try Self.onlyVideo(in: path) else { throw error }
            media = .video(video)
            groundTruth = try FrameSequence.locateGroundTruth(path).map { try GroundTruth.load(path: $0.path, format: $0.format) }
        }
    }

    /// The one video file in a folder; nil when there is none, an error when there are several.
    static func onlyVideo(in folder: String) throws -> String? {
        let names = try ImageIOError.translatingFileErrors { try FileSystem.contents(of: folder) }
        let videos = NaturalOrder.sorted(names.filter { !$0.hasPrefix(".") && VideoFiles.hasVideoExtension($0) })
            .map { PathName.join(folder, $0) }.filter { FileSystem.isFile($0) }
        guard videos.count <= 1 else {
            throw ImageIOError(path: folder, reason: .noImages,
                               message: "\(videos.count) video files and no images: a sequence folder holds one video")
        }
        return videos.first
    }

    /// The frames from `start` (0-based; for a video, a frame index or a time), read one ahead
    /// unless `readAhead` is false.
    public func frames(start: VideoFrameReader.Start = .frame(0), readAhead: Bool = true,
                       decoder: ImageDecoder = ImageDecoder()) throws -> any FrameSource {
        switch media {
        case .images(let files):
            guard case .frame(let first) = start else {
                throw ImageIOError(path: path, reason: .noImages, message: "image frames have no times: start with a frame number")
            }
            guard first < files.count else {
                throw ImageIOError(path: path, reason: .noImages, message: "no frame \(first + 1): the folder has \(files.count)")
            }
            return FrameReader(files: Array(files[first...]), firstIndex: first, decoder: decoder, readAhead: readAhead)
        case .video(let file):
            return try VideoFrameReader(path: file, start: start, maxPixels: decoder.maxPixels, readAhead: readAhead)
        }
    }
}
