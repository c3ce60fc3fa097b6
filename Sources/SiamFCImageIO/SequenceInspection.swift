import SiamFCSupport
/// What `siamfc inspect` reports about a sequence folder: every frame is decoded, so the
/// report lists each unreadable frame with its reason.
public struct SequenceInspection: Sendable {
    public struct Size: Sendable, Equatable, CustomStringConvertible {
        public let width: Int
        public let height: Int
        public var description: String { "\(width)x\(height)" }
    }

    public let sequence: FrameSequence
    /// Size of the first frame that decoded.
    public let frameSize: Size?
    public let formats: [ImageFormat: Int]
    /// Frames whose ground-truth row is empty (NaN or zero size).
    public let framesWithoutBox: Int
    /// One line per problem, each naming the file and what is wrong.
    public let problems: [String]

    /// Inspects the folder at `path`. Throws only when there is nothing to inspect (missing,
    /// unreadable or empty folder, no images); everything else becomes a problem line.
    public static func inspect(path: String, decoder: ImageDecoder = ImageDecoder()) throws -> SequenceInspection {
        let listing = try FrameSequence.listFrames(path)
        var problems: [String] = []

        var groundTruth: GroundTruth?
        if let (file, format) = FrameSequence.locateGroundTruth(path) {
            do {
                let loaded = try GroundTruth.loadLenient(path: file, format: format)
                groundTruth = loaded.groundTruth
                problems += loaded.problems.map(\.description)
                if loaded.groundTruth.lineCount > listing.frames.count {
                    problems.append(FrameSequence.longerThanSequence(loaded.groundTruth, frames: listing.frames.count).description)
                }
            } catch {
                problems.append("\(error)")
            }
        }

        let results = listing.frames.concurrentMap { file -> Result<DecodedImage, ImageIOError> in
            do {
                return .success(try decoder.decodeDetailed(file: file))
            } catch let error as ImageIOError {
                return .failure(error)
            } catch {
                return .failure(ImageIOError(path: file, reason: .readFailed, message: "\(error)"))
            }
        }

        var frameSize: Size?
        var previous: (size: Size, index: Int)?
        var formats: [ImageFormat: Int] = [:]
        for (index, result) in results.enumerated() {
            let file = listing.frames[index]
            switch result {
            case .failure(let error):
                problems.append(error.description)
            case .success(let decoded):
                formats[decoded.format, default: 0] += 1
                let size = Size(width: decoded.image.width, height: decoded.image.height)
                if frameSize == nil { frameSize = size }
                if let previous, previous.size != size {
                    problems.append("\(file): frame \(index + 1) is \(size), frame \(previous.index + 1) was \(previous.size)")
                }
                previous = (size, index)
                if decoded.warningCount > 0 {
                    problems.append("\(file): \(decoded.warningCount) decoder warning(s), last: \(decoded.lastWarning ?? "")")
                }
            }
        }

        let sequence = FrameSequence(
            path: path, framesDirectory: listing.directory, frames: listing.frames, groundTruth: groundTruth)
        let empty = groundTruth.map { gt in gt.boxes.prefix(listing.frames.count).filter { $0 == nil }.count } ?? 0
        return SequenceInspection(
            sequence: sequence, frameSize: frameSize, formats: formats, framesWithoutBox: empty, problems: problems)
    }
}
