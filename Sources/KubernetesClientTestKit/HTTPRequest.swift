import Foundation
import NIOCore
import NIOHTTP1

/// One complete HTTP request: head, body, and the decoded path and query.
struct HTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// The body exceeded the configured limit; its bytes were discarded.
    var isBodyTooLarge: Bool

    var method: HTTPMethod { head.method }

    /// The percent-decoded path; `nil` when the escapes are invalid.
    var path: String? {
        let rawPath = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(rawPath).removingPercentEncoding
    }

    /// The query parameters; a repeated name keeps its last value. `+` is a space, as Go's
    /// `url.ParseQuery` reads it; undecodable escapes are kept literally.
    var query: [String: String] {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [:] }
        var result: [String: String] = [:]
        for pair in parts[1].split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decodeQueryComponent(pieces[0])
            let value = pieces.count == 2 ? Self.decodeQueryComponent(pieces[1]) : ""
            result[name] = value
        }
        return result
    }

    /// The media type of the body, lower-cased, without parameters (`; charset=utf-8`).
    var contentType: String? {
        guard let value = head.headers.first(name: "content-type") else { return nil }
        let mediaType = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased()
    }

    var bodyBytes: [UInt8] { Array(body.readableBytesView) }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
