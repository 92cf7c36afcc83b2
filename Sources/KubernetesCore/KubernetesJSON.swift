public import Foundation

/// The JSON coders every part of swift-ipam uses for API objects.
///
/// Timestamps are coded by the types themselves (see ``RFC3339``), so the
/// coders need no date strategy; keys are sorted so that request bodies are
/// byte-for-byte reproducible in tests.
public enum KubernetesJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        JSONDecoder()
    }
}
