import SiamFCEngine

/// Decoding of the operators that move values rather than compute them (shape chains of
/// unsimplified exports, crops, concatenations) and of Softmax and ReduceMean, whose inputs and
/// attributes changed between operator set versions.
extension ONNXOperatorDecoder {
    func decodeTensorOperator() throws(ONNXFormatError) -> (op: ONNXOperator, inputs: [String?]) {
        let x = input(0)
        /// Attributes that later operator sets turned into inputs are refused from that version on.
        func refuse(_ names: String..., from version: Int64) throws(ONNXFormatError) {
            guard opsetVersion >= version else { return }
            if let name = names.first(where: { node.attributes[$0] != nil }) { throw unsupported(name) }
        }
        func required(_ name: String) throws(ONNXFormatError) -> [Int] {
            guard let v = try ints(name) else { throw fail("\(node.opType) needs attribute \(name)") }
            return v.map(Int.init)
        }
        switch node.opType {
        case "Concat":
            try inputCount(1...ONNXLimits.standard.maxNodes)
            guard node.inputs.allSatisfy({ !$0.isEmpty }) else { throw fail("Concat input left out") }
            guard node.attributes["axis"] != nil else { throw fail("Concat needs attribute axis") }
            return (.concat(axis: Int(try int("axis", default: 0, in: -16...15))), node.inputs.map { $0 })
        case "Slice":
            if opsetVersion < 10 {
                try inputCount(1...1)
                // Bounds are clamped, not refused: exporters write INT64_MAX for "to the end".
                func bounds(_ name: String) throws(ONNXFormatError) -> [Int] {
                    guard let v = node.attributes[name]?.ints else { throw fail("Slice needs attribute \(name)") }
                    return v.map { Int(min(max($0, -(1 << 40)), 1 << 40)) }
                }
                let bounds = ONNXSliceBounds(starts: try bounds("starts"), ends: try bounds("ends"),
                                             axes: try ints("axes")?.map(Int.init), steps: nil)
                return (.slice(bounds), [x])
            }
            try refuse("starts", "ends", "axes", from: 10)
            try inputCount(3...5)
            return (.slice(nil), [x, input(1), input(2), input(3), input(4)])
        case "Shape":
            try inputCount(1...1)
            let end = node.attributes["end"] == nil ? nil : Int(try int("end", default: 0, in: -16...16))
            return (.shape(start: Int(try int("start", default: 0, in: -16...16)), end: end), [x])
        case "Gather":
            try inputCount(2...2)
            return (.gather(axis: Int(try int("axis", default: 0, in: -16...15))), [x, input(1)])
        case "Unsqueeze":
            if opsetVersion < 13 {
                try inputCount(1...1)
                return (.unsqueeze(axes: try required("axes")), [x])
            }
            try refuse("axes", from: 13)
            try inputCount(2...2)
            return (.unsqueeze(axes: nil), [x, input(1)])
        case "Squeeze":
            if opsetVersion < 13 {
                try inputCount(1...1)
                return (.squeeze(axes: try ints("axes")?.map(Int.init)), [x])
            }
            try refuse("axes", from: 13)
            try inputCount(1...2)
            return (.squeeze(axes: nil), [x, input(1)])
        case "Softmax":
            try inputCount(1...1)
            let axis = Int(try int("axis", default: opsetVersion < 13 ? 1 : -1, in: -16...15))
            return (.softmax(axis: axis, coerced: opsetVersion < 13), [x])
        case "Pad":
            if let mode = node.attributes["mode"], mode.string != "constant" { throw unsupported("mode") }
            if opsetVersion < 11 {
                try inputCount(1...1)
                return (.pad(pads: try required("pads"), value: try float("value", default: 0)), [x])
            }
            try refuse("pads", "value", from: 11)
            try inputCount(2...4)
            return (.pad(pads: nil, value: 0), [x, input(1), input(2), input(3)])
        case "ReduceMean":
            let keep = try int("keepdims", default: 1, in: 0...1) == 1
            if opsetVersion < 18 {
                try inputCount(1...1)
                if node.attributes["noop_with_empty_axes"] != nil { throw unsupported("noop_with_empty_axes") }
                return (.reduceMean(axes: try ints("axes")?.map(Int.init), keepDimensions: keep, noopWithEmptyAxes: false), [x])
            }
            try refuse("axes", from: 18)
            try inputCount(1...2)
            let noop = try int("noop_with_empty_axes", default: 0, in: 0...1) == 1
            return (.reduceMean(axes: nil, keepDimensions: keep, noopWithEmptyAxes: noop), [x, input(1)])
        case "Cast":
            try inputCount(1...1)
            guard let to = node.attributes["to"]?.int, let cast = ONNXCast(to: to) else { throw unsupported("to") }
            _ = try int("saturate", default: 1, in: 0...1)
            return (.cast(cast), [x])
        default:
            throw fail("operator \(node.opType) is not supported")
        }
    }
}
