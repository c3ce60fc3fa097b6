extension Canvas {
    /// Draws `text` in the ``BitmapFont`` with its top-left corner at `origin`, each font pixel a
    /// `scale` x `scale` block. The text occupies ``BitmapFont/textWidth(_:scale:)`` by
    /// ``BitmapFont/textHeight(scale:)`` pixels; characters outside printable ASCII draw as a box.
    public mutating func drawText(_ text: String, at origin: (x: Int, y: Int), color: Color, scale: Int = 1) {
        let s = BitmapFont.clampScale(scale)
        var left = origin.x
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0 ..< BitmapFont.glyphWidth where bits & (0b10000 >> UInt8(column)) != 0 {
                    fillRect(x: left.saturatingAdd(column * s), y: origin.y.saturatingAdd(row * s),
                             width: s, height: s, color: color)
                }
            }
            left = left.saturatingAdd(BitmapFont.advance * s)
        }
    }

    /// Draws `text` turned 90° counter-clockwise, reading bottom to top, as a y-axis label. Its
    /// bounding box has `origin` at the top-left, is ``BitmapFont/textHeight(scale:)`` wide and
    /// ``BitmapFont/textWidth(_:scale:)`` tall; glyph tops face left.
    public mutating func drawTextVertical(_ text: String, at origin: (x: Int, y: Int), color: Color, scale: Int = 1) {
        let s = BitmapFont.clampScale(scale)
        let length = BitmapFont.textWidth(text, scale: s)
        // `along` runs along the unrotated text; it maps to rows counted up from the box's bottom.
        var along = 0
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0 ..< BitmapFont.glyphWidth where bits & (0b10000 >> UInt8(column)) != 0 {
                    let y = origin.y.saturatingAdd(length - (along + column + 1) * s)
                    fillRect(x: origin.x.saturatingAdd(row * s), y: y, width: s, height: s, color: color)
                }
            }
            along += BitmapFont.advance
        }
    }

    /// The width of `text` drawn with ``drawText(_:at:color:scale:)``.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        BitmapFont.textWidth(text, scale: scale)
    }
}
