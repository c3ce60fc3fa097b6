#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCImageIO

/// The outline shared by the target and the distractor: a rounded rectangle in shape units,
/// which are pixels when a 320 × 240 frame draws the sprite at scale 1.
enum SpriteShape {
    static let halfWidth = 20.0
    static let halfHeight = 15.0
    static let cornerRadius = 5.0
    /// The largest turn any path uses (about 13.8°); sizes of paths are planned with it.
    static let maxAngle = 0.24

    /// Half extents of the axis-aligned box around the shape at `scale` pixels per unit, turned
    /// by `angle`. The shape is an inner rectangle grown by a disc, and the disc adds its radius
    /// whatever the angle, so the box is exact, not a bound.
    static func halfExtents(scale: Double, angle: Double) -> (x: Double, y: Double) {
        let c = abs(cos(angle))
        let s = abs(sin(angle))
        let a = halfWidth - cornerRadius
        let b = halfHeight - cornerRadius
        return (scale * (a * c + b * s + cornerRadius), scale * (a * s + b * c + cornerRadius))
    }

    /// Signed distance from the outline in shape units, negative inside.
    @inline(__always)
    static func signedDistance(u: Double, v: Double) -> Double {
        let qx = abs(u) - (halfWidth - cornerRadius)
        let qy = abs(v) - (halfHeight - cornerRadius)
        let ox = max(qx, 0)
        let oy = max(qy, 0)
        return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - cornerRadius
    }
}

/// Where a sprite is in one frame.
struct SpritePose: Sendable, Equatable {
    /// Centre in 0-based pixel coordinates with pixel centres at integers.
    var centerX: Double
    var centerY: Double
    /// Pixels per shape unit.
    var scale: Double
    /// Radians; positive turns clockwise on screen, since y points down.
    var angle: Double

    var halfExtents: (x: Double, y: Double) {
        SpriteShape.halfExtents(scale: scale, angle: angle)
    }

    /// The box around the shape in OTB's 1-based convention. Pixel `c` spans `c - 0.5 ... c + 0.5`,
    /// so an edge at `e` is `e + 0.5` pixel widths from the left of the image, which OTB, counting
    /// from 1, writes as `e + 1.5`.
    var box: BoundingBox {
        let h = halfExtents
        func cents(_ v: Double) -> Double { (v * 100).rounded() / 100 }
        return BoundingBox(
            x: cents(centerX - h.x + 1.5), y: cents(centerY - h.y + 1.5),
            width: cents(2 * h.x), height: cents(2 * h.y))
    }

    /// Moves the centre so the whole shape lies `margin` pixels inside a `width × height` frame.
    func keptInside(width: Double, height: Double, margin: Double) -> SpritePose {
        let h = halfExtents
        var pose = self
        pose.centerX = Motion.clamp(centerX, h.x + margin, width - 1 - h.x - margin)
        pose.centerY = Motion.clamp(centerY, h.y + margin, height - 1 - h.y - margin)
        return pose
    }
}
