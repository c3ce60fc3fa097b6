/// The JSON subset a safetensors header needs, parsed by hand so that every malformed or hostile
/// header becomes a one-line error: integers are kept apart from other numbers, duplicate keys are
/// rejected, nesting is limited, and nothing is allocated beyond the size of the header itself.
enum HeaderJSON {
    case object([HeaderJSONMember])
    case array([HeaderJSON])
    case string(String)
    /// A number written without fraction or exponent that fits in an `Int`.
    case integer(Int)
    /// Any other number (fraction, exponent, or an integer too large for `Int`).
    case number(Double)
    case bool(Bool)
    case null

    /// What the value is, for error messages ("a string", "an array", ...).
    var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a non-integer or out-of-range number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// Parses a complete JSON document; the error message says what is wrong and at which byte.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(HeaderJSONError) -> HeaderJSON {
        var parser = HeaderJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw HeaderJSONError("unexpected data after the JSON value at byte \(parser.position)")
        }
        return value
    }

    /// Whether `bytes` is well-formed UTF-8.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// One `"key": value` pair of an object, in file order.
struct HeaderJSONMember {
    let key: String
    let value: HeaderJSON
}

struct HeaderJSONError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

private struct HeaderJSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    /// Deeper nesting than any safetensors header needs; keeps recursion bounded.
    static let maxDepth = 32

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func describeHere() -> String {
        position < bytes.count ? "at byte \(position)" : "at the end of the header"
    }

    mutating func parseValue(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard position < bytes.count else { throw HeaderJSONError("JSON ends early") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw HeaderJSONError("invalid JSON \(describeHere())")
        }
    }

    mutating func expectWord(_ word: StaticString) throws(HeaderJSONError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw HeaderJSONError("invalid JSON \(describeHere())") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for i in 0..<count where bytes[position + i] != expected[i] {
            throw HeaderJSONError("invalid JSON \(describeHere())")
        }
        position += count
    }

    mutating func parseObject(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth <= Self.maxDepth else { throw HeaderJSONError("JSON nested too deeply \(describeHere())") }
        position += 1  // {
        var members: [HeaderJSONMember] = []
        var keys = Set<String>()
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw HeaderJSONError("expected a quoted key \(describeHere())")
            }
            let key = try parseString()
            guard keys.insert(key).inserted else {
                throw HeaderJSONError("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw HeaderJSONError("expected ':' \(describeHere())")
            }
            position += 1
            skipWhitespace()
            members.append(HeaderJSONMember(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            guard position < bytes.count else { throw HeaderJSONError("JSON ends inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw HeaderJSONError("expected ',' or '}' \(describeHere())")
        }
    }

    mutating func parseArray(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth <= Self.maxDepth else { throw HeaderJSONError("JSON nested too deeply \(describeHere())") }
        position += 1  // [
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw HeaderJSONError("JSON ends inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            throw HeaderJSONError("expected ',' or ']' \(describeHere())")
        }
    }

    /// A string literal; the header was checked to be valid UTF-8 before parsing.
    mutating func parseString() throws(HeaderJSONError) -> String {
        position += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ end: Int, into scalars: inout String.UnicodeScalarView) {
            if end > runStart {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flush(position, into: &scalars)
                position += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw HeaderJSONError("control character in a string at byte \(position)")
            }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            flush(position, into: &scalars)
            position += 1
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800...0xDBFF).contains(code) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                          bytes[position + 1] == UInt8(ascii: "u")
                    else { throw HeaderJSONError("unpaired surrogate in a string at byte \(position)") }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw HeaderJSONError("unpaired surrogate in a string at byte \(position)")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw HeaderJSONError("unpaired surrogate in a string at byte \(position)")
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw HeaderJSONError("invalid \\u escape at byte \(position)")
                }
                scalars.append(scalar)
            default:
                throw HeaderJSONError("invalid escape in a string at byte \(position - 1)")
            }
            runStart = position
        }
        throw HeaderJSONError("unterminated string")
    }

    mutating func parseHex4() throws(HeaderJSONError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw HeaderJSONError("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw HeaderJSONError("invalid \\u escape at byte \(position)")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// RFC 8259 number syntax; integers without fraction or exponent that fit in `Int` stay exact.
    mutating func parseNumber() throws(HeaderJSONError) -> HeaderJSON {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw HeaderJSONError("invalid number at byte \(start)")
        }
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count, isDigit(bytes[position + 1]) {
            throw HeaderJSONError("number with a leading zero at byte \(start)")
        }
        var magnitude = 0
        var overflow = false
        while position < bytes.count, isDigit(bytes[position]) {
            let digit = Int(bytes[position] - UInt8(ascii: "0"))
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { overflow = true } else { magnitude = next }
            position += 1
        }
        var isInteger = !overflow
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw HeaderJSONError("invalid number at byte \(start)")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw HeaderJSONError("invalid number at byte \(start)")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if isInteger { return .integer(negative ? -magnitude : magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return .number(Double(text) ?? .nan)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
