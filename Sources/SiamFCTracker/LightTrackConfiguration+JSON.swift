import Foundation
import SiamFCSupport

extension LightTrackConfiguration {
    /// A configuration written as JSON, the form a light model file keeps in its metadata
    /// (`{"stem": 16, "blocks": [{"expanded": 16, "out": 16, "kernel": 3, "stride": 2,
    /// "activation": "relu", "se": false}, …], "towerWidth": 96, "towerDepth": 3,
    /// "attentionSqueezed": 16}`), checked by ``validate()``. Errors name `source`.
    public init(json: Data, source: String) throws(TrackerError) {
        do {
            self = try JSONDecoder().decode(LightTrackConfiguration.self, from: json)
        } catch {
            throw TrackerError("\(source): not a light model configuration (\(Self.reason(error)))")
        }
        do {
            try validate()
        } catch {
            throw TrackerError("\(source): \(error.message)")
        }
    }

    /// The configuration in a JSON file (see ``init(json:source:)``).
    public init(contentsOf path: String) throws(TrackerError) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: 1 << 20)
        } catch {
            throw TrackerError("\(error)")
        }
        try self.init(json: Data(bytes), source: path)
    }

    /// The configuration as JSON, keys sorted.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// What a decoding error says, in one line (which key is missing or of the wrong type).
    private static func reason(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "" : " at " + keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\"\(key.stringValue)\" is missing\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type\(path(context))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "bad value\(path(context))"
        @unknown default: return "not valid JSON"
        }
    }
}
