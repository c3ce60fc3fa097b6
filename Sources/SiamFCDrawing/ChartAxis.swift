#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tick values and their labels for one chart axis.
public struct AxisTicks: Sendable, Equatable {
    /// Tick positions in data units, ascending.
    public var values: [Double]
    /// Labels for `values`, formatted alike so they read as one scale.
    public var labels: [String]
    /// Distance between ticks (1, 2 or 5 × 10^k); 0 for a degenerate range.
    public var step: Double
}

/// "Nice" axis ticks and compact number labels for charts.
public enum ChartAxis {
    /// Ticks at multiples of 1, 2 or 5 × 10^k, with the step whose number of intervals across
    /// `range` is closest to `targetCount` (by ratio; ties go to the larger step). A range with
    /// equal bounds yields its single value; a non-finite range yields no ticks.
    public static func niceTicks(in range: ClosedRange<Double>, targetCount: Int = 6) -> AxisTicks {
        let lo = range.lowerBound, hi = range.upperBound
        let span = hi - lo
        guard lo.isFinite, hi.isFinite, span.isFinite else { return AxisTicks(values: [], labels: [], step: 0) }
        guard span > 0 else { return AxisTicks(values: [lo], labels: [format(lo)], step: 0) }
        let (step, exponent) = niceStep(span: span, target: Double(min(max(targetCount, 1), 100)))
        guard step > 0, step.isFinite else { return AxisTicks(values: [lo, hi], labels: [format(lo), format(hi)], step: span) }
        // Tolerate rounding so that bounds like 0.3 count as multiples of 0.1.
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        var values: [Double] = []
        var i = first
        while i <= last && values.count <= 200 {
            let v = i * step
            values.append(abs(v) < step * 1e-6 ? 0 : v)
            i += 1
        }
        return AxisTicks(values: values, labels: labels(values, stepExponent: exponent), step: step)
    }

    /// The 1, 2 or 5 × 10^k step giving close to `target` intervals over `span`, with its k.
    static func niceStep(span: Double, target: Double) -> (step: Double, exponent: Int) {
        let base = Int(log10(span / target).rounded(.down))
        var best = (step: 0.0, exponent: base, score: Double.infinity)
        for exponent in base - 1 ... base + 1 {
            let magnitude = pow(10, Double(exponent))
            for multiple in [1.0, 2, 5] {
                let step = multiple * magnitude
                let score = abs(log(span / step / target))
                // Scanning upwards, `<=` lets the larger of two equally good steps win.
                if step > 0, step.isFinite, score <= best.score + 1e-12 { best = (step, exponent, score) }
            }
        }
        return (best.step, best.exponent)
    }

    /// Labels for ticks whose step is m × 10^`stepExponent`: plain decimals with just the digits
    /// the step needs ("0", "0.2", "15"), or "1.5e-3" style for very small or large values.
    static func labels(_ values: [Double], stepExponent: Int) -> [String] {
        let largest = values.map(abs).max() ?? 0
        let decimals = max(0, -stepExponent)
        let scientific = largest >= 1e6 || (largest > 0 && largest < 1e-2) || decimals > 9
        return values.map { v in
            if v == 0 { return "0" }
            if scientific {
                let exponent = Int(log10(abs(v)).rounded(.down))
                return scientificString(v, digits: min(max(exponent - stepExponent, 0), 12))
            }
            return fixedString(v, decimals: decimals)
        }
    }

    /// A compact label for any single value: up to 4 significant decimals, trailing zeros dropped.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        let exponent = Int(log10(magnitude).rounded(.down))
        if magnitude >= 1e6 || magnitude < 1e-2 { return scientificString(value, digits: 3) }
        return fixedString(value, decimals: min(max(3 - exponent, 0), 9))
    }

    /// `value` with `decimals` decimals, trailing zeros removed; |value| must be below about 1e6.
    static func fixedString(_ value: Double, decimals: Int) -> String {
        let scaled = (abs(value) * pow(10, Double(decimals))).rounded()
        guard scaled < 1e15 else { return scientificString(value, digits: 3) }
        var digits = String(Int(scaled))
        if decimals > 0 {
            while digits.count <= decimals { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.hasSuffix(".") { digits.removeLast() }
        }
        return (value < 0 && digits != "0" ? "-" : "") + digits
    }

    /// `value` as mantissa and exponent ("1.5e-3") with `digits` decimals in the mantissa.
    static func scientificString(_ value: Double, digits: Int) -> String {
        guard value.isFinite, value != 0 else { return format(value) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        // 10^-324 underflows to zero; scale subnormal values up first.
        var mantissa = exponent < -300 ? (value * 1e30) / pow(10, Double(exponent + 30))
                                       : value / pow(10, Double(exponent))
        // log10 can land one off at exact powers of ten, and rounding can carry to 10.
        let limit = 10 - 0.5 * pow(10, Double(-digits))
        if abs(mantissa) >= limit {
            exponent += 1
            mantissa /= 10
        } else if abs(mantissa) < 1 {
            exponent -= 1
            mantissa *= 10
        }
        return fixedString(mantissa, decimals: digits) + "e" + String(exponent)
    }
}
