/// IEEE 754 half precision to Float32, by hand: `Float16` is not available on every platform the
/// package builds on (macOS on Intel).
enum HalfFloat {
    static func float(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32(bits >> 10) & 0x1f
        let mantissa = UInt32(bits) & 0x3ff
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1f { return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
