/// Orders file names as people do: digit runs compare by value, so `2.jpg` comes before
/// `10.jpg`; ties (`01` vs `1`) fall back to the plain byte order to stay total.
public enum NaturalOrder {
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                let si = i, sj = j
                while i < x.count && isDigit(x[i]) { i += 1 }
                while j < y.count && isDigit(y[j]) { j += 1 }
                let c = compareNumbers(x[si..<i], y[sj..<j])
                if c != 0 { return c < 0 }
            } else {
                let cx = lower(x[i]), cy = lower(y[j])
                if cx != cy { return cx < cy }
                i += 1
                j += 1
            }
        }
        if (x.count - i) != (y.count - j) { return (x.count - i) < (y.count - j) }
        return a < b
    }

    public static func sorted(_ names: [String]) -> [String] {
        names.sorted(by: areInIncreasingOrder)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func lower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }

    /// Compares digit runs by value without converting (runs may exceed Int).
    private static func compareNumbers(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        let ta = a.drop { $0 == 48 }, tb = b.drop { $0 == 48 }
        if ta.count != tb.count { return ta.count < tb.count ? -1 : 1 }
        for (p, q) in zip(ta, tb) where p != q { return p < q ? -1 : 1 }
        return 0
    }
}
