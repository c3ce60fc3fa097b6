import Foundation
import SiamFCImageIO
import SiamFCSupport
import SiamFCVideo

/// A frame whose colours say where it is: x in red, y in green, the frame number in blue.
func patternFrame(_ index: Int, width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), UInt8(index * 20 % 256))
        }
    }
    return image
}

/// Writes `count` pattern frames to `path` with the project's writer.
@discardableResult
func writeVideo(_ path: String, count: Int, width: Int = 64, height: Int = 48, codec: VideoCodec = .automatic,
                rotation: Int = 0, framesPerSecond: Double = 25) throws -> [RGBImage] {
    let frames = (0..<count).map { patternFrame($0, width: width, height: height) }
    let writer = try VideoWriter(path: path, width: width, height: height, framesPerSecond: framesPerSecond, codec: codec,
                                 quality: 90, rotation: rotation)
    for frame in frames { try writer.add(frame) }
    try writer.finish()
    return frames
}

/// Every frame of a source, unreadable ones as their errors.
func readAll(_ source: any FrameSource) throws -> [Result<Frame, UnreadableFrame>] {
    var out: [Result<Frame, UnreadableFrame>] = []
    while true {
        do {
            guard let frame = try source.next() else { return out }
            out.append(.success(frame))
        } catch let error as UnreadableFrame {
            out.append(.failure(error))
        }
    }
}
