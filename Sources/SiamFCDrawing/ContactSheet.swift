import SiamFCImageIO

/// A grid of every Nth frame, each with its box and frame number: the whole run at a glance.
public struct ContactSheet: Sendable {
    /// Every `step`-th frame is a tile.
    public let step: Int
    private var tiles: [(image: RGBImage, label: String)] = []
    static let tileWidth = 240

    /// About 24 tiles from `frameCount` frames unless `every` sets the step.
    public init(frameCount: Int, every: Int?) {
        step = every ?? max(1, (frameCount + 23) / 24)
    }

    /// Whether frame `index` (from 0) is a tile.
    public func wants(_ index: Int) -> Bool { index % step == 0 }

    public mutating func add(_ frame: RGBImage, label: String) {
        let height = max(1, frame.height * Self.tileWidth / max(frame.width, 1))
        tiles.append((frame.scaled(width: Self.tileWidth, height: height), label))
    }

    /// The tiles, six to a row.
    public func render() -> RGBImage {
        guard let first = tiles.first else { return RGBImage(width: 1, height: 1) }
        let columns = min(6, tiles.count)
        let rows = (tiles.count + columns - 1) / columns
        let (w, h, gap) = (Self.tileWidth, first.image.height, 4)
        var canvas = Canvas(width: columns * (w + gap) + gap, height: rows * (h + gap) + gap, background: .white)
        for (i, tile) in tiles.enumerated() {
            let x = gap + (i % columns) * (w + gap), y = gap + (i / columns) * (h + gap)
            canvas.paste(tile.image, x: x, y: y)
            canvas.fillRect(x: x, y: y, width: Canvas.textWidth(tile.label, scale: 2) + 6, height: 20, color: .black, alpha: 0.6)
            canvas.drawText(tile.label, at: (x + 3, y + 3), color: .white, scale: 2)
        }
        return canvas.image
    }
}
