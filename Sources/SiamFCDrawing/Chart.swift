import SiamFCImageIO
/// One data series of a ``Chart``: a polyline or a cloud of points.
public struct ChartSeries: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        /// Consecutive points joined by a line `width` pixels wide; a non-finite point breaks it.
        case line(width: Double)
        /// One disc per point, `radius` pixels, at opacity `alpha` (0...1) so dense clusters show.
        case scatter(radius: Double, alpha: Float)
    }

    /// Shown in the legend; series with an empty name are left out of it.
    public var name: String
    public var xs: [Double]
    public var ys: [Double]
    public var color: Color
    public var style: Style

    public init(name: String, xs: [Double], ys: [Double], color: Color, style: Style) {
        self.name = name
        self.xs = xs
        self.ys = ys
        self.color = color
        self.style = style
    }

    /// Number of points: pairs beyond the shorter of `xs` and `ys` are ignored.
    public var count: Int { min(xs.count, ys.count) }
}

/// A 2-D chart of line and scatter series with a title, axis labels, "nice" ticks, grid lines and
/// a legend, rendered to an ``RGBImage`` (``render()``, ``writePNG(to:)``) or to an equivalent SVG
/// document (``svg()``).
///
/// ```swift
/// var chart = Chart(title: "Success plot", xLabel: "Overlap threshold", yLabel: "Success rate")
/// chart.xRange = 0...1; chart.yRange = 0...1; chart.legendPosition = .lowerLeft
/// chart.addLine(name: "fdsiamfc30 [0.571]", points: curve, color: Color.palette[0], width: 2)
/// try chart.writePNG(to: "success.png")
/// ```
public struct Chart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Image size in pixels, clamped to 1...16384 when rendering.
    public var width: Int
    public var height: Int
    /// Fixed axis ranges; nil (or an empty or non-finite range) fits the data with a small margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var legendPosition: LegendPosition = .best
    public var showsGrid = true
    public var background: Color = .white
    /// Font scale of ticks, axis labels and legend (the title is one step larger); nil picks 1, 2
    /// or 3 from the image size.
    public var textScale: Int?
    public var series: [ChartSeries] = []

    public init(title: String = "", xLabel: String = "", yLabel: String = "", width: Int = 800, height: Int = 600) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
    }

    /// Adds a line through `points` in order; `color` defaults to the next palette colour.
    public mutating func addLine(name: String, points: [(Double, Double)], color: Color? = nil, width: Double = 2) {
        addLine(name: name, x: points.map(\.0), y: points.map(\.1), color: color, width: width)
    }

    /// Adds a line through `(x[i], y[i])`.
    public mutating func addLine(name: String, x: [Double], y: [Double], color: Color? = nil, width: Double = 2) {
        series.append(ChartSeries(name: name, xs: x, ys: y, color: color ?? Color.palette(series.count),
                                  style: .line(width: width)))
    }

    /// Adds a scatter series of discs of `radius` pixels at opacity `alpha`.
    public mutating func addScatter(name: String, points: [(Double, Double)], color: Color? = nil,
                                    radius: Double = 2, alpha: Float = 1) {
        addScatter(name: name, x: points.map(\.0), y: points.map(\.1), color: color, radius: radius, alpha: alpha)
    }

    /// Adds a scatter series of the points `(x[i], y[i])`.
    public mutating func addScatter(name: String, x: [Double], y: [Double], color: Color? = nil,
                                    radius: Double = 2, alpha: Float = 1) {
        series.append(ChartSeries(name: name, xs: x, ys: y, color: color ?? Color.palette(series.count),
                                  style: .scatter(radius: radius, alpha: alpha)))
    }
}
