import SiamFCSupport
/// Per-frame ground truth of one sequence.
///
/// Line `i` of the file gives the box of frame `i`. A row of NaNs, zeros or a zero-size box
/// means the target has no box in that frame (it is absent or was not annotated); such frames
/// are `nil` and evaluation skips them. Files may hold fewer lines than the sequence has frames
/// (OTB Diving): the frames past the end have no ground truth either.
public struct GroundTruth: Sendable, Equatable {
    public enum Format: String, Sendable {
        /// `groundtruth_rect.txt`: `x,y,w,h`, 1-based, comma, tab or space separated.
        case otb = "OTB"
        /// `groundtruth.txt` with 8-value polygons (each becomes its axis-aligned min/max box)
        /// or 4-value rectangles.
        case vot = "VOT"
        /// `groundtruth.txt` with `x,y,w,h` rows beside GOT-10k's `absence.label`/`meta_info.ini`.
        case got10k = "GOT-10k"
    }

    public let path: String
    public let format: Format
    /// One entry per line of the file.
    public let boxes: [BoundingBox?]

    public var lineCount: Int { boxes.count }

    /// The box of frame `index` (0-based), nil where there is none.
    public func box(at index: Int) -> BoundingBox? {
        index >= 0 && index < boxes.count ? boxes[index] : nil
    }

    public init(path: String, format: Format, boxes: [BoundingBox?]) {
        self.path = path
        self.format = format
        self.boxes = boxes
    }

    /// Loads a file, failing at the first malformed line.
    public static func load(path: String, format: Format) throws -> GroundTruth {
        let parsed = try loadLenient(path: path, format: format)
        if let first = parsed.problems.first { throw first }
        return parsed.groundTruth
    }

    /// Loads a file and reports every malformed line instead of stopping at the first; those
    /// lines become `nil` boxes. Used by `siamfc inspect`.
    public static func loadLenient(path: String, format: Format) throws
        -> (groundTruth: GroundTruth, problems: [ImageIOError])
    {
        let bytes = try ImageIOError.translatingFileErrors { try FileBytes.read(path, limit: 64 << 20) }
        var (boxes, problems) = parse(String(decoding: bytes, as: UTF8.self), path: path)
        if format == .got10k {
            let absence = PathName.join(PathName.parent(path), "absence.label")
            if let flags = try? FileBytes.read(absence, limit: 16 << 20) {
                let lines = String(decoding: flags, as: UTF8.self).split(whereSeparator: \.isNewline)
                for (i, flag) in lines.enumerated() where i < boxes.count {
                    if flag.trimmingSpaces == "1" { boxes[i] = nil }
                }
            } else if !FileSystem.exists(absence) {
                // Absent file: every annotated box counts.
            } else {
                problems.append(ImageIOError(path: absence, reason: .readFailed, message: "cannot read"))
            }
        }
        return (GroundTruth(path: path, format: format, boxes: boxes), problems)
    }

    /// Parses the text of a ground-truth file. Blank lines at the end are ignored (files often
    /// end with one); any other line must hold 4 or 8 numbers.
    public static func parse(_ text: String, path: String) -> (boxes: [BoundingBox?], problems: [ImageIOError]) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        while let last = lines.last, last.trimmingSpaces.isEmpty { lines.removeLast() }
        var boxes: [BoundingBox?] = []
        var problems: [ImageIOError] = []
        boxes.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            switch parseLine(line) {
            case .success(let box):
                boxes.append(box)
            case .failure(let why):
                boxes.append(nil)
                problems.append(ImageIOError(
                    path: path, reason: .malformedLine(index + 1),
                    message: "line \(index + 1): \(why) in \"\(excerpt(line))\""))
            }
        }
        return (boxes, problems)
    }

    private struct LineError: Error, CustomStringConvertible {
        let description: String
    }

    private static func parseLine(_ line: Substring) -> Result<BoundingBox?, LineError> {
        let fields = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" || $0 == "\r" })
        var values: [Double] = []
        values.reserveCapacity(8)
        for field in fields {
            if let v = Double(field) {
                values.append(v)
            } else if field.lowercased() == "nan" {
                values.append(.nan)
            } else {
                return .failure(LineError(description: "\"\(excerpt(field))\" is not a number"))
            }
        }
        switch values.count {
        case 4:
            let box = BoundingBox(x: values[0], y: values[1], width: values[2], height: values[3])
            return .success(box.isValid ? box : nil)
        case 8:
            let xs = stride(from: 0, to: 8, by: 2).map { values[$0] }
            let ys = stride(from: 1, to: 8, by: 2).map { values[$0] }
            guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
                return .success(nil)
            }
            let box = BoundingBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            return .success(box.isValid ? box : nil)
        default:
            return .failure(LineError(description: "expected 4 or 8 numbers, found \(values.count)"))
        }
    }

    private static func excerpt(_ text: Substring) -> String {
        let printable = text.map { $0.isASCII && ($0.asciiValue ?? 0) < 32 ? " " : $0 }
        let s = String(printable)
        return s.count > 40 ? String(s.prefix(40)) + "…" : s
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
