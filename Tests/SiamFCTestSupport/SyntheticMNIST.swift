/// IDX bytes: magic (0, 0, 8, rank), big-endian dimensions, data.
public func idxBytes(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
    for d in dimensions { bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
    return bytes + data
}

/// Writes the four MNIST files (raw IDX) of a small synthetic set: digit `d` is a bright 6x6
/// square at a position that depends on `d`, over faint noise, so that a network can tell
/// classes apart within a few steps.
public func writeSyntheticMNIST(to directory: String, train: Int = 600, test: Int = 200) throws {
    var state: UInt64 = 12_345
    func noise() -> UInt8 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 59)
    }
    func set(_ count: Int) -> (images: [UInt8], labels: [UInt8]) {
        var images = [UInt8](repeating: 0, count: count * 784), labels: [UInt8] = []
        for i in 0..<count {
            let digit = i % 10
            labels.append(UInt8(digit))
            for p in 0..<784 { images[i * 784 + p] = noise() }
            let (top, left) = (2 + (digit / 5) * 12, 2 + (digit % 5) * 5)
            for y in top..<(top + 6) { for x in left..<(left + 6) { images[i * 784 + y * 28 + x] = 255 } }
        }
        return (images, labels)
    }
    let (trainImages, trainLabels) = set(train), (testImages, testLabels) = set(test)
    try writeFile(directory + "/train-images-idx3-ubyte", idxBytes([train, 28, 28], trainImages))
    try writeFile(directory + "/train-labels-idx1-ubyte", idxBytes([train], trainLabels))
    try writeFile(directory + "/t10k-images-idx3-ubyte", idxBytes([test, 28, 28], testImages))
    try writeFile(directory + "/t10k-labels-idx1-ubyte", idxBytes([test], testLabels))
}
