import SiamFCSupport

/// Pairs of digits (indices into one ``DigitSet``) with 1 for the same digit, 0 otherwise.
public struct PairSet: Sendable, Equatable {
    public var first: [Int]
    public var second: [Int]
    public var similar: [Float]

    public var count: Int { first.count }
}

/// Triplets of digits: anchor and positive share a class, the negative does not.
public struct TripletSet: Sendable, Equatable {
    public var anchor: [Int]
    public var positive: [Int]
    public var negative: [Int]

    public var count: Int { anchor.count }
}

/// Draws balanced pairs and triplets from a set's labels.
public struct PairSampler: Sendable {
    /// Indices of each digit 0...9.
    let byClass: [[Int]]

    public init(labels: [UInt8]) {
        var classes = [[Int]](repeating: [], count: 10)
        for (i, label) in labels.enumerated() where label < 10 { classes[Int(label)].append(i) }
        byClass = classes
    }

    /// Classes with at least two digits can give a similar pair.
    private var pairableClasses: [Int] { (0..<10).filter { byClass[$0].count >= 2 } }
    private var populatedClasses: [Int] { (0..<10).filter { !byClass[$0].isEmpty } }

    /// `count` pairs in random order, half of them (rounded down) similar: classes are drawn
    /// uniformly, then digits uniformly within them.
    public func pairs(count: Int, using generator: inout SplitMix64) -> PairSet {
        var set = PairSet(first: [], second: [], similar: [])
        let pairable = pairableClasses, populated = populatedClasses
        guard !pairable.isEmpty, populated.count >= 2 else { return set }
        for k in 0..<count {
            if k < count / 2 {
                let digits = byClass[pairable[Int.random(in: 0..<pairable.count, using: &generator)]]
                let i = Int.random(in: 0..<digits.count, using: &generator)
                var j = Int.random(in: 0..<(digits.count - 1), using: &generator)
                if j >= i { j += 1 }
                set.first.append(digits[i]); set.second.append(digits[j]); set.similar.append(1)
            } else {
                let a = Int.random(in: 0..<populated.count, using: &generator)
                var b = Int.random(in: 0..<(populated.count - 1), using: &generator)
                if b >= a { b += 1 }
                let x = byClass[populated[a]], y = byClass[populated[b]]
                set.first.append(x[Int.random(in: 0..<x.count, using: &generator)])
                set.second.append(y[Int.random(in: 0..<y.count, using: &generator)])
                set.similar.append(0)
            }
        }
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return PairSet(first: order.map { set.first[$0] }, second: order.map { set.second[$0] },
                       similar: order.map { set.similar[$0] })
    }

    /// `count` triplets drawn by class: an anchor class, two of its digits, and a digit of
    /// another class.
    public func triplets(count: Int, using generator: inout SplitMix64) -> TripletSet {
        var set = TripletSet(anchor: [], positive: [], negative: [])
        let pairable = pairableClasses, populated = populatedClasses
        guard !pairable.isEmpty, populated.count >= 2 else { return set }
        for _ in 0..<count {
            let c = pairable[Int.random(in: 0..<pairable.count, using: &generator)]
            let digits = byClass[c]
            let i = Int.random(in: 0..<digits.count, using: &generator)
            var j = Int.random(in: 0..<(digits.count - 1), using: &generator)
            if j >= i { j += 1 }
            let others = populated.filter { $0 != c }
            let negatives = byClass[others[Int.random(in: 0..<others.count, using: &generator)]]
            set.anchor.append(digits[i])
            set.positive.append(digits[j])
            set.negative.append(negatives[Int.random(in: 0..<negatives.count, using: &generator)])
        }
        return set
    }
}
