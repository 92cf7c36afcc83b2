import ArgumentParser
import Foundation
import Yams

/// `-o table|json|yaml`, as kubectl spells it.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case table
    case json
    case yaml

    /// `value` as JSON or YAML text with sorted keys (stable output), ending in a newline.
    static func encode(_ value: some Encodable, as format: OutputFormat) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        case .yaml, .table:
            let encoder = YAMLEncoder()
            encoder.options.sortKeys = true
            return try encoder.encode(value)
        }
    }
}
