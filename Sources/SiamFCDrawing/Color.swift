/// An opaque 8-bit RGB colour for drawing on a ``Canvas`` and in charts.
public struct Color: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A colour from `0xRRGGBB`; bits above the low 24 are ignored.
    public init(hex: UInt32) {
        self.init(r: UInt8(truncatingIfNeeded: hex >> 16), g: UInt8(truncatingIfNeeded: hex >> 8),
                  b: UInt8(truncatingIfNeeded: hex))
    }

    public static let black = Color(r: 0, g: 0, b: 0)
    public static let white = Color(r: 255, g: 255, b: 255)
    public static let gray = Color(r: 128, g: 128, b: 128)
    public static let lightGray = Color(r: 225, g: 225, b: 225)
    public static let darkGray = Color(r: 64, g: 64, b: 64)
    public static let red = Color(r: 230, g: 30, b: 30)
    public static let green = Color(r: 20, g: 190, b: 40)
    public static let blue = Color(r: 30, g: 80, b: 230)
    public static let yellow = Color(r: 250, g: 220, b: 20)
    public static let cyan = Color(r: 0, g: 200, b: 220)
    public static let magenta = Color(r: 220, g: 40, b: 200)
    public static let orange = Color(r: 245, g: 140, b: 20)

    /// Ten categorical colours, distinguishable from each other and readable on white, for
    /// classes 0-9 and for plot series in order.
    public static let palette: [Color] = [
        Color(hex: 0x2F6DB5),  // blue
        Color(hex: 0xF08A24),  // orange
        Color(hex: 0x3A9E4A),  // green
        Color(hex: 0xD2373C),  // red
        Color(hex: 0x8A62B8),  // purple
        Color(hex: 0x94552F),  // brown
        Color(hex: 0xE07BC0),  // pink
        Color(hex: 0x7A7A7A),  // gray
        Color(hex: 0xADB51F),  // olive
        Color(hex: 0x2DB8C8),  // teal
    ]

    /// The palette colour for `index`, wrapping around (negative indices too).
    public static func palette(_ index: Int) -> Color {
        let n = palette.count
        return palette[((index % n) + n) % n]
    }

    /// `#rrggbb`, as SVG and CSS spell colours.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] {
            s.append(digits[Int(v >> 4)])
            s.append(digits[Int(v & 15)])
        }
        return s
    }
}
