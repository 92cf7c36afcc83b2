import Foundation

/// The `continue` token of a paginated list: the list's resourceVersion and the last key
/// returned, base64url-encoded JSON. Opaque to clients, as the API server's is.
struct ContinueToken: Hashable, Sendable {
    var resourceVersion: Int64
    var after: ObjectKey

    init(resourceVersion: Int64, after: ObjectKey) {
        self.resourceVersion = resourceVersion
        self.after = after
    }

    /// Reads a token; a malformed one is a 400, as the API server answers.
    init(decoding text: String) throws(FakeAPIError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64),
            let json = try? JSONValue(parsing: data),
            let resourceVersion = json["rv"]?.integerValue,
            let namespace = json["ns"]?.stringValue,
            let name = json["name"]?.stringValue
        else { throw .badRequest("continue key is not valid: \(text)") }
        self.init(resourceVersion: resourceVersion, after: ObjectKey(namespace: namespace, name: name))
    }

    var encoded: String {
        let json: JSONValue = [
            "rv": .integer(resourceVersion), "ns": .string(after.namespace), "name": .string(after.name),
        ]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
