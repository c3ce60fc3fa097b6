#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// The precomputed pictures of a synthetic sequence: the static background, the pillar that
/// occludes, and the textures of the two sprites. Frames only composite these.
struct SyntheticScenery: Sendable, Equatable {
    let width: Int
    let height: Int
    /// `height * width * 3` bytes, without the pillar.
    let background: [UInt8]
    /// First and last pixel column the pillar touches; empty when `lastColumn < firstColumn`.
    let firstColumn: Int
    let lastColumn: Int
    /// Pillar colours for those columns, `height` rows of `(lastColumn - firstColumn + 1) * 3`.
    let pillarColors: [UInt8]
    /// Pillar opacity per column, in `0 ... 1`.
    let pillarAlpha: [Float]
    let target: RGBTexture
    let distractor: RGBTexture

    init(width: Int, height: Int, occluder: OccluderPlacement, rng: inout SplitMix64) {
        self.width = width
        self.height = height
        var backgroundRNG = rng.split()
        var pillarRNG = rng.split()
        var targetRNG = rng.split()
        var distractorRNG = rng.split()
        background = Self.makeBackground(width: width, height: height, rng: &backgroundRNG)

        let first = max(Int((occluder.centerX - occluder.halfWidth - 1).rounded(.down)), 0)
        let last = min(Int((occluder.centerX + occluder.halfWidth + 1).rounded(.up)), width - 1)
        firstColumn = first
        lastColumn = last
        pillarAlpha = first <= last ? (first...last).map { Float(occluder.alpha(atX: Double($0))) } : []
        pillarColors = Self.makePillar(
            columns: first <= last ? first...last : nil, height: height, occluder: occluder,
            rng: &pillarRNG)

        target = Self.makeSprite(palette: .target, rng: &targetRNG)
        distractor = Self.makeSprite(palette: .distractor, rng: &distractorRNG)
    }

    // MARK: Background

    /// Coloured terrain: a palette ramp over large-scale noise, a few soft blobs (bushes,
    /// stones), patches of faint diagonal stripes, and fine grain. Everything is smooth at the
    /// pixel scale so that JPEG frames stay small.
    static func makeBackground(width: Int, height: Int, rng: inout SplitMix64) -> [UInt8] {
        let w = Double(width)
        let h = Double(height)
        let size = min(w, h)
        let terrain = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: 0.5 * size, periodY: 0.4 * size, octaves: 5,
            persistence: 0.55, rng: &rng)
        let tint = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: 0.22 * size, periodY: 0.22 * size, octaves: 3,
            rng: &rng)
        let stripeMask = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: 0.7 * size, periodY: 0.7 * size, octaves: 2,
            rng: &rng)
        let detail = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: max(0.08 * size, 4), periodY: max(0.06 * size, 3),
            octaves: 3, persistence: 0.6, rng: &rng)
        let grain = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: max(0.022 * size, 2), periodY: max(0.022 * size, 2),
            octaves: 2, rng: &rng)

        let ramp: [SIMD3<Float>] = [
            [52, 70, 50], [92, 114, 64], [150, 140, 98], [120, 118, 112], [84, 96, 118],
        ]
        let blobColors: [SIMD3<Float>] = [
            [40, 78, 44], [70, 98, 40], [128, 110, 84], [150, 150, 146], [96, 70, 54],
        ]
        struct Blob {
            var x, y, rx, ry: Float
            var color: SIMD3<Float>
        }
        let blobs = (0..<9).map { _ in
            Blob(
                x: Float(rng.uniform(0, w)), y: Float(rng.uniform(0, h)),
                rx: Float(rng.uniform(0.05, 0.13) * w), ry: Float(rng.uniform(0.05, 0.12) * h),
                color: blobColors[Int(rng.next() % UInt64(blobColors.count))]
                    * Float(rng.uniform(0.85, 1.15)))
        }
        let stripeAngle = rng.uniform(0.5, 1.1)
        let stripeDX = Float(cos(stripeAngle) / max(0.06 * size, 3))
        let stripeDY = Float(sin(stripeAngle) / max(0.06 * size, 3))

        var out = [UInt8](repeating: 0, count: width * height * 3)
        out.withUnsafeMutableBufferPointer { o in
            for y in 0..<height {
                let fy = Float(y)
                let vertical = 1.08 - 0.2 * fy / Float(h)
                for x in 0..<width {
                    let i = y * width + x
                    let fx = Float(x)
                    // Stretch: octave sums cluster around 0.5, the ramp should be used end to end.
                    let level = min(max((terrain[i] - 0.5) * 2.6 + 0.5, 0), 0.999) * Float(ramp.count - 1)
                    let k = Int(level)
                    var color = ramp[k] + (ramp[k + 1] - ramp[k]) * (level - Float(k))
                    let t = tint[i] - 0.5
                    color *= SIMD3<Float>(1 + 0.25 * t, 1 - 0.1 * t, 1 - 0.3 * t)

                    let phase = fx * stripeDX + fy * stripeDY + 1.5 * tint[i]
                    let stripe = 0.5 + 0.5 * Float(sin(Motion.twoPi * Double(phase)))
                    color *= 1 - 0.25 * ProceduralTexture.smoothstep(0.5, 0.7, stripeMask[i]) * stripe * stripe

                    for blob in blobs {
                        let dx = (fx - blob.x) / blob.rx
                        let dy = (fy - blob.y) / blob.ry
                        let e2 = dx * dx + dy * dy
                        if e2 > 2.5 { continue }
                        let e = e2.squareRoot() + 0.5 * (tint[i] - 0.5)
                        let a = 1 - ProceduralTexture.smoothstep(0.8, 1.0, e)
                        if a <= 0 { continue }
                        // Lit from the top left, darker towards the rim: reads as a rounded lump.
                        let shade = 1.15 - 0.35 * max(e, 0) - 0.12 * (dx + dy)
                        color += (blob.color * shade - color) * a
                    }
                    color *= vertical * (0.7 + 0.6 * detail[i]) * (0.7 + 0.6 * grain[i])
                    let c = color.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255))
                    o[i * 3] = UInt8(c.x.rounded())
                    o[i * 3 + 1] = UInt8(c.y.rounded())
                    o[i * 3 + 2] = UInt8(c.z.rounded())
                }
            }
        }
        return out
    }

    // MARK: Pillar

    /// A stone column: vertical grain, round shading across its width, and a few joints.
    static func makePillar(
        columns: ClosedRange<Int>?, height: Int, occluder: OccluderPlacement, rng: inout SplitMix64
    ) -> [UInt8] {
        guard let columns else { return [] }
        let count = columns.count
        let halfWidth = max(occluder.halfWidth, 1)
        let grain = ProceduralTexture.fractalNoise(
            width: count, height: height, periodX: 3, periodY: 40, octaves: 3, rng: &rng)
        let stains = ProceduralTexture.fractalNoise(
            width: count, height: height, periodX: 24, periodY: 24, octaves: 3, rng: &rng)
        let jointSpacing = Float(max(Double(height) / 3.3, 8))
        let jointOffset = Float(rng.uniform(0, Double(jointSpacing)))
        let base = SIMD3<Float>(176, 168, 156)

        var out = [UInt8](repeating: 0, count: count * height * 3)
        out.withUnsafeMutableBufferPointer { o in
            for y in 0..<height {
                var joint = (Float(y) + jointOffset).truncatingRemainder(dividingBy: jointSpacing)
                joint = min(joint, jointSpacing - joint)
                let jointShade = 0.65 + 0.35 * ProceduralTexture.smoothstep(0.5, 2.0, joint)
                for (j, column) in columns.enumerated() {
                    let i = y * count + j
                    let across = Float((Double(column) - occluder.centerX) / halfWidth)
                    // Light from the left: the highlight sits left of the middle.
                    let shifted = min(max(across + 0.25, -1), 1)
                    let round = 0.5 + 0.5 * (1 - shifted * shifted).squareRoot()
                    let surface = (0.86 + 0.22 * grain[i]) * (0.9 + 0.2 * stains[i])
                    let c = (base * round * surface * jointShade)
                        .clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255))
                    o[i * 3] = UInt8(c.x.rounded())
                    o[i * 3 + 1] = UInt8(c.y.rounded())
                    o[i * 3 + 2] = UInt8(c.z.rounded())
                }
            }
        }
        return out
    }

    // MARK: Sprites

    struct SpritePalette {
        var body: SIMD3<Float>
        var stripe: SIMD3<Float>
        var emblem: SIMD3<Float>
        var outline: SIMD3<Float>

        static let target = SpritePalette(
            body: [236, 124, 36], stripe: [30, 42, 100], emblem: [250, 228, 120], outline: [40, 28, 30])
        /// Close to the target's on purpose: a distractor a tracker could mistake for it.
        static let distractor = SpritePalette(
            body: [222, 92, 62], stripe: [26, 70, 96], emblem: [236, 238, 160], outline: [40, 30, 36])
    }

    /// Texels per shape unit; the largest drawn scale is about 1.4 pixels per unit, so sprites are
    /// never magnified much.
    static let texelsPerUnit = 2.0

    /// Diagonal stripes, an off-centre ring emblem (so turns are visible), a dark rim, light from
    /// the top left and mottled noise. The texture spans the shape's box.
    static func makeSprite(palette: SpritePalette, rng: inout SplitMix64) -> RGBTexture {
        let a = SpriteShape.halfWidth
        let b = SpriteShape.halfHeight
        let width = Int(2 * a * texelsPerUnit)
        let height = Int(2 * b * texelsPerUnit)
        let mottle = ProceduralTexture.fractalNoise(
            width: width, height: height, periodX: 10, periodY: 10, octaves: 3, rng: &rng)
        let stripeAngle = rng.uniform(0.45, 0.75)
        let stripePeriod = rng.uniform(8.5, 10)
        let emblemX = rng.uniform(-9, -7)
        let emblemY = rng.uniform(-2, 1)

        var texels = [Float](repeating: 0, count: width * height * 3)
        for j in 0..<height {
            for i in 0..<width {
                let u = (Double(i) + 0.5) / texelsPerUnit - a
                let v = (Double(j) + 0.5) / texelsPerUnit - b
                let along = u * cos(stripeAngle) + v * sin(stripeAngle)
                let wave = Float(sin(Motion.twoPi * along / stripePeriod))
                var color = palette.body
                color += (palette.stripe - color) * ProceduralTexture.smoothstep(0.15, 0.5, wave)

                let rho = Float(((u - emblemX) * (u - emblemX) + (v - emblemY) * (v - emblemY)).squareRoot())
                color += (palette.emblem - color) * (1 - ProceduralTexture.smoothstep(5.2, 5.9, rho))
                let ring = ProceduralTexture.smoothstep(5.2, 5.9, rho)
                    * (1 - ProceduralTexture.smoothstep(7.0, 7.7, rho))
                color += (palette.outline - color) * ring
                color += (palette.stripe - color) * (1 - ProceduralTexture.smoothstep(1.8, 2.5, rho))

                let edge = Float(SpriteShape.signedDistance(u: u, v: v))
                color += (palette.outline - color) * 0.8 * ProceduralTexture.smoothstep(-2.6, -1.6, edge)

                let light = 1 - 0.08 * Float(u / a + v / b)
                color *= light * (0.78 + 0.44 * mottle[j * width + i])
                let k = (j * width + i) * 3
                texels[k] = min(max(color.x, 0), 255)
                texels[k + 1] = min(max(color.y, 0), 255)
                texels[k + 2] = min(max(color.z, 0), 255)
            }
        }
        return RGBTexture(width: width, height: height, texels: texels)
    }
}
