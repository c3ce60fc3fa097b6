/// A small seedable pseudo-random generator (SplitMix64).
///
/// Synthetic data must be bit-identical for a given seed on every run and platform, which the
/// system generator does not promise; SplitMix64's output is fixed by its three constants.
/// Usable wherever Swift takes a `RandomNumberGenerator` (shuffles, weight initialisation).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits, computed here rather than with `Double.random`
    /// so the mapping cannot change with the standard library.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `[low, high)`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnit()
    }

    /// `-1` or `+1` with equal probability.
    public mutating func sign() -> Double {
        next() >> 63 == 0 ? -1 : 1
    }

    /// A generator for one independent part of a scene, so that adding draws to one part does
    /// not shift the random numbers of the others.
    public mutating func split() -> SplitMix64 {
        SplitMix64(seed: next())
    }
}

extension SplitMix64 {
    /// The generator for stream `stream` of `seed`. Seeds are hashed rather than offset, because
    /// SplitMix64 sequences whose seeds differ by a multiple of its increment are shifted copies.
    public init(seed: UInt64, stream: UInt64) {
        var salt = SplitMix64(seed: stream)
        var mixed = SplitMix64(seed: seed ^ salt.next())
        self.init(seed: mixed.next())
    }
}
