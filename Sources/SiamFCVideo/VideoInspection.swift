import SiamFCImageIO
import SiamFCSupport

/// What `siamfc inspect` reports about a video file: its header, and what decoding every frame
/// to RGB found (the frame count is counted, not taken from the container).
public struct VideoInspection: Sendable {
    public let path: String
    public let info: VideoInfo
    /// Frames decoded, including those the decoder concealed errors in.
    public let decodedFrames: Int
    /// Frames that could not be decoded (each is also a problem line).
    public let unreadableFrames: Int
    /// Frames decoded with errors concealed.
    public let damagedFrames: Int
    /// Presentation times of the first and last decoded frames.
    public let firstTime: Double?
    public let lastTime: Double?
    /// One line per problem, each naming the file, the frame and what is wrong (at most
    /// ``maxProblemLines``, then a count of the rest).
    public let problems: [String]
    /// Problems found, including those past the listed lines.
    public let problemCount: Int

    public static let maxProblemLines = 50

    /// Decodes every frame of `path`. Throws only when there is nothing to inspect (not a video,
    /// no video stream, frames over the pixel limit); everything else becomes a problem line.
    public static func inspect(path: String, maxPixels: Int = ImageDecoder().maxPixels) throws -> VideoInspection {
        let decoder = try VideoDecoder(path: path, maxPixels: maxPixels)
        let info = decoder.info
        var problems: [String] = []
        var extra = 0
        func problem(_ line: String) {
            if problems.count < maxProblemLines { problems.append(line) } else { extra += 1 }
        }
        var decoded = 0, unreadable = 0, damaged = 0
        var first: Double?, last: Double?
        var size: (Int, Int)? = nil
        reading: while true {
            let event: VideoDecoder.Event
            do {
                event = try decoder.next()
            } catch {
                problem("\(error)")
                break reading
            }
            switch event {
            case .end:
                break reading
            case let .unreadable(index, time, reason):
                unreadable += 1
                problem(UnreadableFrame(index: index, name: path, time: time, reason: reason).description)
            case let .frame(index, time, warning):
                let label = Frame.describe(name: path, index: index, time: time)
                do {
                    let image = try decoder.image()
                    decoded += 1
                    if let warning {
                        damaged += 1
                        problem("\(label): \(warning)")
                    }
                    if let (w, h) = size, (w, h) != (image.width, image.height) {
                        problem("\(label): frame \(index + 1) is \(image.width)x\(image.height), the first frame was \(w)x\(h)")
                    }
                    if size == nil { size = (image.width, image.height) }
                } catch let error as ImageIOError {
                    unreadable += 1
                    problem("\(label): \(error.message)")
                }
                if let time {
                    if let last, time <= last {
                        problem("\(label): presentation time \(formatSeconds(time)) s does not follow \(formatSeconds(last)) s")
                    }
                    if first == nil { first = time }
                    last = time
                }
            }
        }
        if decoded == 0 && unreadable == 0 { problem("\(path): no frames") }
        if let declared = info.declaredFrameCount, declared != decoded + unreadable {
            problem("\(path): the container lists \(declared) frames, \(decoded + unreadable) were found")
        }
        let count = problems.count + extra
        if extra > 0 { problems.append("\(path): \(extra) more problem\(extra == 1 ? "" : "s")") }
        return VideoInspection(path: path, info: info, decodedFrames: decoded, unreadableFrames: unreadable,
                               damagedFrames: damaged, firstTime: first, lastTime: last, problems: problems, problemCount: count)
    }
}
