import Testing
@testable import SiamFCImageIO
@testable import SiamFCDrawing

@Suite struct DrawingTests {
    /// Coordinates of every pixel that differs from `background`.
    func inked(_ canvas: Canvas, background: Color = .black) -> [(x: Int, y: Int)] {
        var out: [(x: Int, y: Int)] = []
        for y in 0 ..< canvas.height {
            for x in 0 ..< canvas.width {
                let p = canvas.image[x, y]
                if p.r != background.r || p.g != background.g || p.b != background.b { out.append((x, y)) }
            }
        }
        return out
    }

    func color(_ canvas: Canvas, _ x: Int, _ y: Int) -> Color {
        let p = canvas.image[x, y]
        return Color(r: p.r, g: p.g, b: p.b)
    }

    @Test func boxOutlineLiesOnTheOTBBorderPixels() {
        // OTB x=1, y=1, w=10, h=10 covers 0-based pixels 0...9.
        var canvas = Canvas(width: 16, height: 16, background: .black)
        canvas.drawBox(BoundingBox(x: 1, y: 1, width: 10, height: 10), color: .red, lineWidth: 1)
        for y in 0 ..< 16 {
            for x in 0 ..< 16 {
                let inBox = (0 ... 9).contains(x) && (0 ... 9).contains(y)
                let onBorder = inBox && (x == 0 || x == 9 || y == 0 || y == 9)
                #expect(color(canvas, x, y) == (onBorder ? .red : .black), "pixel \(x),\(y)")
            }
        }
    }

    @Test func thickBoxOutlineGrowsInwards() {
        var canvas = Canvas(width: 24, height: 20, background: .black)
        // 0-based columns 4...15, rows 2...9.
        canvas.drawBox(BoundingBox(x: 5, y: 3, width: 12, height: 8), color: .green, lineWidth: 2)
        for y in 0 ..< 20 {
            for x in 0 ..< 24 {
                let inBox = (4 ... 15).contains(x) && (2 ... 9).contains(y)
                let inside = (6 ... 13).contains(x) && (4 ... 7).contains(y)
                #expect(color(canvas, x, y) == (inBox && !inside ? .green : .black), "pixel \(x),\(y)")
            }
        }
    }

    @Test func boxesOffCanvasOrInvalidAreClippedOrSkipped() {
        var canvas = Canvas(width: 10, height: 10, background: .black)
        // 0-based -5...3: the left and top edges are off-canvas; the right and bottom edges
        // (column 3, row 3) show.
        canvas.drawBox(BoundingBox(x: -4, y: -4, width: 9, height: 9), color: .red, lineWidth: 1)
        #expect(inked(canvas).count == 7)
        #expect(inked(canvas).allSatisfy { ($0.x == 3 && $0.y <= 3) || ($0.y == 3 && $0.x <= 3) })
        let before = canvas.image
        for box in [BoundingBox(x: .nan, y: 1, width: 5, height: 5), BoundingBox(x: 1, y: 1, width: 0, height: 5),
                    BoundingBox(x: 1, y: 1, width: .infinity, height: 5), BoundingBox(x: 1e300, y: 1, width: 5, height: 5),
                    BoundingBox(x: -1e300, y: -1e300, width: 1e300, height: 1e300)] {
            canvas.drawBox(box, color: .red, lineWidth: 3)
        }
        #expect(canvas.image == before)
        // A box far larger than the canvas has its outline off-canvas too.
        canvas.drawBox(BoundingBox(x: -1e12, y: -1e12, width: 3e12, height: 3e12), color: .red, lineWidth: 2)
        #expect(canvas.image == before)
    }

    @Test func rectanglesClipToTheCanvas() {
        var canvas = Canvas(width: 10, height: 8, background: .black)
        canvas.fillRect(x: -5, y: -5, width: 10, height: 10, color: .white)
        #expect(inked(canvas).count == 25)
        #expect(inked(canvas).allSatisfy { $0.x < 5 && $0.y < 5 })
        let before = canvas.image
        canvas.fillRect(x: 10, y: 0, width: 5, height: 5, color: .red)
        canvas.fillRect(x: -20, y: 0, width: 20, height: 5, color: .red)
        canvas.fillRect(x: .max - 1, y: .max - 1, width: .max, height: .max, color: .red)
        canvas.fillRect(x: .min, y: .min, width: 5, height: 5, color: .red)
        canvas.fillRect(x: 2, y: 2, width: -3, height: 4, color: .red)
        canvas.strokeRect(x: .min, y: .min, width: .max, height: .max, color: .red, lineWidth: .max)
        canvas.blendPixel(x: -1, y: 3, color: .red)
        canvas.blendPixel(x: 10, y: 3, color: .red)
        #expect(canvas.image == before)
        canvas.fillRect(x: .min, y: .min, width: .max, height: .max, color: .red)
        #expect(canvas.image == before)
    }

    @Test func linesClipAndIgnoreNonFiniteCoordinates() {
        var canvas = Canvas(width: 20, height: 12, background: .black)
        canvas.drawLine(from: (-1e12, 5), to: (1e12, 5), color: .white, width: 1)
        #expect(inked(canvas).count == 20)
        #expect(inked(canvas).allSatisfy { $0.y == 5 })
        let before = canvas.image
        let bad: [((Double, Double), (Double, Double))] = [
            ((.nan, 1), (5, 5)), ((1, 1), (5, .infinity)), ((-.infinity, 3), (.infinity, 3)),
            ((1e300, 1e300), (2e300, -1e300)), ((-5, -5), (-1, -9)), ((30, 0), (40, 11)),
            ((-.greatestFiniteMagnitude, 0), (.greatestFiniteMagnitude, 0)),
        ]
        for (a, b) in bad {
            for antialiased in [true, false] {
                canvas.drawLine(from: a, to: b, color: .red, width: 3, antialiased: antialiased)
                canvas.drawLine(from: a, to: b, color: .red, width: 1, antialiased: antialiased)
            }
        }
        canvas.drawLine(from: (2, 2), to: (8, 8), color: .red, width: .nan)
        canvas.drawLine(from: (2, 2), to: (8, 8), color: .red, width: -1)
        canvas.drawLine(from: (2, 2), to: (8, 8), color: .red, width: 2, alpha: 0)
        canvas.drawPolyline([(1, 1), (.nan, .nan), (.infinity, 3)], color: .red, width: 2)
        #expect(canvas.image == before)
        // A pen far wider than the canvas just covers it.
        canvas.drawLine(from: (10, -1e9), to: (10, 1e9), color: .blue, width: 1e300)
        #expect(inked(canvas, background: .blue).isEmpty)
    }

    @Test func plainThinLinesAreOnePixelStaircases() {
        var canvas = Canvas(width: 12, height: 12, background: .black)
        canvas.drawLine(from: (1, 1), to: (10, 10), color: .white, width: 1, antialiased: false)
        let pixels = inked(canvas)
        #expect(pixels.count == 10)
        #expect(pixels.allSatisfy { $0.x == $0.y && $0.x >= 1 && $0.x <= 10 })
        // Clipped against the canvas edge, the visible part is still drawn.
        var clipped = Canvas(width: 12, height: 12, background: .black)
        clipped.drawLine(from: (-100, 4), to: (100, 4), color: .white, width: 1, antialiased: false)
        #expect(inked(clipped).count == 12)
    }

    @Test func antialiasedLinesShadeTheirEdgesAndKeepTheirWidth() {
        var canvas = Canvas(width: 30, height: 30, background: .black)
        canvas.drawLine(from: (5, 15), to: (25, 15), color: .white, width: 3)
        // Rows 14...16 are fully covered along the middle; 13 and 17 at most faintly.
        for y in 14 ... 16 { #expect(color(canvas, 15, y) == .white) }
        #expect(color(canvas, 15, 12) == .black)
        #expect(color(canvas, 15, 18) == .black)
        var diagonal = Canvas(width: 30, height: 30, background: .black)
        diagonal.drawLine(from: (3, 4), to: (26, 20), color: .white, width: 1)
        let partial = inked(diagonal).filter { diagonal.image[$0.x, $0.y].r < 250 }
        #expect(!partial.isEmpty)
    }

    @Test func polylinesBreakAtNonFinitePoints() {
        var canvas = Canvas(width: 40, height: 10, background: .black)
        canvas.drawPolyline([(2, 5), (12, 5), (.nan, 5), (28, 5), (37, 5)], color: .white, width: 1, antialiased: false)
        #expect(color(canvas, 12, 5) == .white)
        #expect(color(canvas, 20, 5) == .black)
        #expect(color(canvas, 28, 5) == .white)
    }

    @Test func circlesClipBlendAndSkipNonFiniteInput() {
        var canvas = Canvas(width: 20, height: 20, background: .black)
        canvas.fillCircle(center: (0, 0), radius: 4, color: .white, antialiased: false)
        let quarter = inked(canvas)
        #expect(!quarter.isEmpty)
        #expect(quarter.allSatisfy { $0.x * $0.x + $0.y * $0.y <= 16 })
        let before = canvas.image
        canvas.fillCircle(center: (.nan, 5), radius: 3, color: .red)
        canvas.fillCircle(center: (5, 5), radius: .infinity, color: .red)
        canvas.fillCircle(center: (5, 5), radius: .nan, color: .red)
        canvas.fillCircle(center: (-1e300, 1e300), radius: 3, color: .red)
        canvas.fillCircle(center: (40, 40), radius: 5, color: .red)
        canvas.fillCircle(center: (10, 10), radius: 3, color: .red, alpha: .nan)
        #expect(canvas.image == before)

        var blended = Canvas(width: 9, height: 9, background: .black)
        blended.fillCircle(center: (4, 4), radius: 3, color: .white, alpha: 0.5)
        let centre = blended.image[4, 4]
        #expect(centre.r > 100 && centre.r < 156)
        blended.fillCircle(center: (4, 4), radius: 3, color: .white, alpha: 0.5)
        #expect(blended.image[4, 4].r > centre.r)
    }

    @Test func textStaysInsideItsMeasuredBox() {
        for scale in 1 ... 3 {
            let text = "Hx g,|(0.25) %_y"
            let origin = (x: 7, y: 5)
            let width = BitmapFont.textWidth(text, scale: scale)
            let height = BitmapFont.textHeight(scale: scale)
            #expect(width == (text.count * 6 - 1) * scale)
            var canvas = Canvas(width: width + 20, height: height + 12, background: .black)
            canvas.drawText(text, at: origin, color: .white, scale: scale)
            let pixels = inked(canvas)
            #expect(!pixels.isEmpty)
            #expect(pixels.allSatisfy { $0.x >= origin.x && $0.x < origin.x + width && $0.y >= origin.y && $0.y < origin.y + height })
            // The box is tight: ink touches its left and right edges and the descender rows.
            #expect(pixels.contains { $0.x == origin.x })
            #expect(pixels.contains { $0.x == origin.x + width - 1 })
            #expect(pixels.contains { $0.y == origin.y + height - 1 })
        }
        #expect(BitmapFont.textWidth("") == 0)
        #expect(Canvas.textWidth("ab", scale: 2) == 22)
    }

    @Test func verticalTextIsRotatedCounterClockwiseInsideItsBox() {
        let length = BitmapFont.textWidth("L")
        var canvas = Canvas(width: 20, height: 20, background: .black)
        canvas.drawTextVertical("L", at: (3, 2), color: .white)
        let pixels = inked(canvas)
        #expect(pixels.allSatisfy { $0.x >= 3 && $0.x < 3 + BitmapFont.glyphHeight && $0.y >= 2 && $0.y < 2 + length })
        // The L's stem becomes the bottom row, its foot the right-hand column, read bottom to top.
        for x in 3 ... 9 { #expect(color(canvas, x, 2 + length - 1) == .white) }
        for y in 2 ..< 2 + length { #expect(color(canvas, 9, y) == .white) }
        #expect(color(canvas, 3, 2) == .black)

        var long = Canvas(width: 30, height: 120, background: .black)
        long.drawTextVertical("Success rate", at: (4, 6), color: .white, scale: 1)
        let h = BitmapFont.textWidth("Success rate")
        #expect(inked(long).allSatisfy { $0.x >= 4 && $0.x < 13 && $0.y >= 6 && $0.y < 6 + h })
    }

    @Test func textClipsAtTheCanvasEdges() {
        var canvas = Canvas(width: 20, height: 8, background: .black)
        canvas.drawText("WWWWWW", at: (-7, -3), color: .white, scale: 2)
        canvas.drawText("abc", at: (.max - 3, .max - 3), color: .white, scale: 3)
        canvas.drawText("abc", at: (.min, .min), color: .white, scale: 3)
        canvas.drawTextVertical("abc", at: (.min, .max), color: .white, scale: 3)
        canvas.drawText("x", at: (0, 0), color: .white, scale: .max)
        #expect(!inked(canvas).isEmpty)
    }

    @Test func everyPrintableGlyphDiffersFromTheUnknownBox() {
        #expect(BitmapFont.glyphs.count == 95 * BitmapFont.glyphHeight)
        #expect(BitmapFont.glyphs.allSatisfy { $0 < 32 })
        let box = Array(BitmapFont.rows(for: "\u{7F}"))
        #expect(box == BitmapFont.unknown)
        var seen: [[UInt8]: Character] = [:]
        for code in UInt8(32) ... 126 {
            let character = Character(Unicode.Scalar(code))
            let rows = Array(BitmapFont.rows(for: character))
            #expect(rows != box, "\(character)")
            // Letters, digits and punctuation must not be confused with each other either.
            #expect(seen[rows] == nil, "\(character) looks like \(seen[rows].map(String.init) ?? "")")
            seen[rows] = character
            if code > 32 { #expect(rows.contains { $0 != 0 }, "\(character) is blank") }
        }
        // Non-ASCII and control characters draw the box.
        for unknown: Character in ["é", "\t", "😀", "\u{0}"] {
            var a = Canvas(width: 12, height: 12, background: .black)
            var b = Canvas(width: 12, height: 12, background: .black)
            a.drawText(String(unknown), at: (1, 1), color: .white)
            b.drawText("\u{7F}", at: (1, 1), color: .white)
            #expect(a.image == b.image)
            #expect(inked(a).count == 20)
        }
    }

    @Test func canvasFromImageAndPaste() {
        var base = Canvas(image: RGBImage(width: 6, height: 5))
        #expect(base.width == 6 && base.height == 5)
        var patch = Canvas(width: 3, height: 3, background: .red)
        patch.blendPixel(x: 1, y: 1, color: .blue)
        base.paste(patch.image, x: 4, y: -1)
        #expect(color(base, 4, 0) == .red)
        #expect(color(base, 5, 0) == .blue)
        #expect(color(base, 5, 1) == .red)
        #expect(color(base, 3, 0) == .black)
        #expect(inked(base).count == 4)
        base.paste(patch.image, x: .max, y: 0)
        base.paste(patch.image, x: .min, y: .min)
        #expect(inked(base).count == 4)
        var empty = Canvas(width: 0, height: 0)
        empty.fillRect(x: 0, y: 0, width: 5, height: 5, color: .red)
        empty.drawLine(from: (0, 0), to: (5, 5), color: .red, width: 2)
        empty.fillCircle(center: (0, 0), radius: 3, color: .red)
        empty.drawText("abc", at: (0, 0), color: .red)
        #expect(empty.image.pixels.isEmpty)
    }

    @Test func paletteColoursAreDistinct() {
        #expect(Color.palette.count == 10)
        #expect(Set(Color.palette).count == 10)
        // Far enough apart in RGB to tell classes apart in a scatter plot.
        for i in 0 ..< 10 {
            for j in i + 1 ..< 10 {
                let a = Color.palette[i], b = Color.palette[j]
                let dr = Double(Int(a.r) - Int(b.r)), dg = Double(Int(a.g) - Int(b.g)), db = Double(Int(a.b) - Int(b.b))
                #expect((dr * dr + dg * dg + db * db).squareRoot() >= 60, "palette \(i) vs \(j)")
            }
        }
        #expect(Color.palette(13) == Color.palette[3])
        #expect(Color.palette(-1) == Color.palette[9])
        #expect(Color(hex: 0x12AB9F).hexString == "#12ab9f")
    }
}

@Suite struct ContactSheetTests {
    @Test func takesAbout24TilesSixToARow() {
        var sheet = ContactSheet(frameCount: 100, every: nil)
        #expect(sheet.step == 5 && sheet.wants(0) && sheet.wants(95) && !sheet.wants(96))
        for i in stride(from: 0, to: 100, by: sheet.step) { sheet.add(RGBImage(width: 480, height: 360), label: "\(i + 1)") }
        let image = sheet.render()
        // 20 tiles of 240x180 in 4 rows of 6, with 4-pixel gaps.
        #expect(image.width == 6 * 244 + 4 && image.height == 4 * 184 + 4)
        #expect(ContactSheet(frameCount: 10, every: 3).step == 3)
        #expect(ContactSheet(frameCount: 0, every: nil).render().width == 1)
    }
}
