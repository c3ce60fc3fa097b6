#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// A look-alike that glides across the frame at constant velocity, bouncing off the borders,
/// and at `meetingTime` passes right beside the target.
///
/// The passing offset is perpendicular to the pair's relative velocity and just large enough for
/// the two boxes not to overlap. Around the meeting the distractor also follows the target's
/// curvature (faded in and out with a Gaussian), which keeps that clearance although the target's
/// path bends. Of several headings, the one whose whole path never touches the target and spends
/// least time close to it is kept.
struct DistractorPath: Sendable, Equatable {
    /// Size, turn and brightness changes; they do not affect where the distractor goes.
    struct Look: Sendable, Equatable {
        var baseScale: Double
        var scaleFrequency: Double
        var scalePhase: Double
        var turnFrequency: Double
        var turnPhase: Double
        var brightnessFrequency: Double
        var brightnessPhase: Double
    }

    static let logScaleAmplitude = 0.12
    static let turnAmplitude = 0.2
    static let brightnessAmplitude = 0.15
    /// Width of the Gaussian window, in clip time.
    static let window = 0.15

    let target: TargetPath
    let look: Look
    let meetingTime: Double
    let meetingX: Double
    let meetingY: Double
    /// Velocity in pixels per unit of clip time.
    let velocityX: Double
    let velocityY: Double
    let targetMeetingX: Double
    let targetMeetingY: Double
    let targetVelocityX: Double
    let targetVelocityY: Double
    /// Range of centres that keeps the distractor inside the frame; it bounces at the ends.
    let lowX: Double
    let highX: Double
    let lowY: Double
    let highY: Double

    init(target: TargetPath, rng: inout SplitMix64) {
        let look = Look(
            baseScale: target.unit * rng.uniform(0.85, 1.0),
            scaleFrequency: rng.uniform(0.5, 1.0), scalePhase: rng.uniform(0, Motion.twoPi),
            turnFrequency: rng.uniform(0.8, 1.5), turnPhase: rng.uniform(0, Motion.twoPi),
            brightnessFrequency: rng.uniform(0.5, 1.0), brightnessPhase: rng.uniform(0, Motion.twoPi))
        // After the occlusion, so the two events happen apart.
        let meetingTime = rng.uniform(0.7, 0.85)
        let gap = rng.uniform(2, 5) * target.unit
        let size = max(target.width, target.height)

        var best: DistractorPath?
        var bestScore = -Double.infinity
        let headings = 24
        for k in 0..<headings {
            for speedRange in [0.7...1.0, 1.2...1.6] {
                let angle = Motion.twoPi * (Double(k) + rng.uniform(0, 1)) / Double(headings)
                let speed = rng.uniform(speedRange.lowerBound, speedRange.upperBound) * size
                let candidate = DistractorPath(
                    target: target, look: look, meetingTime: meetingTime, gap: gap,
                    velocityX: speed * cos(angle), velocityY: speed * sin(angle))
                let score = candidate.score()
                if score > bestScore {
                    best = candidate
                    bestScore = score
                }
            }
        }
        self = best ?? DistractorPath(
            target: target, look: look, meetingTime: meetingTime, gap: gap, velocityX: size, velocityY: 0)
    }

    private init(
        target: TargetPath, look: Look, meetingTime tm: Double, gap: Double,
        velocityX: Double, velocityY: Double
    ) {
        self.target = target
        self.look = look
        meetingTime = tm
        self.velocityX = velocityX
        self.velocityY = velocityY
        let meeting = target.pose(at: tm)
        let step = 1e-3
        let before = target.pose(at: tm - step)
        let after = target.pose(at: tm + step)
        targetMeetingX = meeting.centerX
        targetMeetingY = meeting.centerY
        targetVelocityX = (after.centerX - before.centerX) / (2 * step)
        targetVelocityY = (after.centerY - before.centerY) / (2 * step)

        let own = SpriteShape.halfExtents(
            scale: look.baseScale * exp(Self.logScaleAmplitude), angle: SpriteShape.maxAngle)
        lowX = own.x + Motion.margin
        highX = max(target.width - 1 - own.x - Motion.margin, lowX)
        lowY = own.y + Motion.margin
        highY = max(target.height - 1 - own.y - Motion.margin, lowY)

        // Pass beside the target, across the direction in which the two move relative to each
        // other; boxes are apart as soon as they are apart along either axis.
        let rx = velocityX - targetVelocityX
        let ry = velocityY - targetVelocityY
        let length = max((rx * rx + ry * ry).squareRoot(), 1e-9)
        let nx = -ry / length
        let ny = rx / length
        let reachX = meeting.halfExtents.x * 1.1 + own.x + gap
        let reachY = meeting.halfExtents.y * 1.1 + own.y + gap
        let distance = min(reachX / max(abs(nx), 1e-9), reachY / max(abs(ny), 1e-9))
        // The side with more room, so the meeting point needs no bounce.
        let plus = (x: meeting.centerX + nx * distance, y: meeting.centerY + ny * distance)
        let minus = (x: meeting.centerX - nx * distance, y: meeting.centerY - ny * distance)
        let (lx, hx, ly, hy) = (lowX, highX, lowY, highY)
        func overshoot(_ p: (x: Double, y: Double)) -> Double {
            max(lx - p.x, 0) + max(p.x - hx, 0) + max(ly - p.y, 0) + max(p.y - hy, 0)
        }
        let point = overshoot(plus) <= overshoot(minus) ? plus : minus
        meetingX = point.x
        meetingY = point.y
    }

    /// Higher is better: meeting the target at all weighs most, then touching it in at most a
    /// frame or two, then coming close only briefly.
    private func score() -> Double {
        let (touching, near, meets) = counts()
        let touchingPenalty = 20 * Double(touching) + 400 * Double(max(touching - 2, 0))
        return (meets ? 0 : -10_000) - touchingPenalty - Double(near)
    }

    /// Over 121 evenly spaced times: how often the boxes touch, how often the centres are less
    /// than two target widths apart, and whether they ever come within 1.8 widths.
    func counts() -> (touching: Int, near: Int, meets: Bool) {
        let samples = 120
        var touching = 0
        var near = 0
        var closest = Double.infinity
        for k in 0...samples {
            let t = Double(k) / Double(samples)
            let a = target.pose(at: t)
            let b = pose(at: t)
            let ea = a.halfExtents
            let eb = b.halfExtents
            let dx = abs(a.centerX - b.centerX)
            let dy = abs(a.centerY - b.centerY)
            if dx < ea.x + eb.x + 1 && dy < ea.y + eb.y + 1 { touching += 1 }
            let distance = (dx * dx + dy * dy).squareRoot() / (2 * ea.x)
            closest = min(closest, distance)
            if distance < 2 { near += 1 }
        }
        return (touching, near, closest < 1.8)
    }

    /// Position, size and turn at clip time `t`.
    func pose(at t: Double) -> SpritePose {
        let breathing = sin(Motion.twoPi * look.scaleFrequency * t + look.scalePhase)
        let scale = look.baseScale * exp(Self.logScaleAmplitude * breathing)
        let angle = Self.turnAmplitude * sin(Motion.twoPi * look.turnFrequency * t + look.turnPhase)
        let dt = t - meetingTime
        let other = target.pose(at: t)
        let weight = exp(-(dt * dt) / (Self.window * Self.window))
        let bendX = (other.centerX - targetMeetingX - targetVelocityX * dt) * weight
        let bendY = (other.centerY - targetMeetingY - targetVelocityY * dt) * weight
        return SpritePose(
            centerX: Self.bounce(meetingX + velocityX * dt + bendX, lowX, highX),
            centerY: Self.bounce(meetingY + velocityY * dt + bendY, lowY, highY),
            scale: scale, angle: angle)
    }

    /// Folds an unbounded coordinate into `low ... high` as a ball bouncing between two walls.
    static func bounce(_ v: Double, _ low: Double, _ high: Double) -> Double {
        let span = high - low
        guard span > 0 else { return low }
        var u = (v - low).truncatingRemainder(dividingBy: 2 * span)
        if u < 0 { u += 2 * span }
        return low + (u <= span ? u : 2 * span - u)
    }

    func brightness(at t: Double) -> Double {
        1 + Self.brightnessAmplitude * sin(Motion.twoPi * look.brightnessFrequency * t + look.brightnessPhase)
    }
}
