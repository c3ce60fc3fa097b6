import Foundation
import Testing
@testable import SiamFCImageIO
@_exported import SiamFCTestSupport


/// A smooth colour gradient with some structure, which JPEG reproduces closely.
func gradientImage(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
                           UInt8((x + y) * 127 / max(width + height - 2, 1)))
        }
    }
    return image
}
