import Foundation
import NIOCore
import NIOHTTP1

/// One complete HTTP request: head, body, and the decoded path, query and media type (decoded
/// once, here, because routing, logging and the handlers all read them).
struct HTTPRequest: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer
    /// The body exceeded the configured limit; its bytes were discarded.
    let isBodyTooLarge: Bool
    /// The percent-decoded path; `nil` when its escapes are invalid.
    let path: String?
    /// The query parameters; a repeated name keeps its last value. `+` is a space, as Go's
    /// `url.ParseQuery` reads it; undecodable escapes are kept literally.
    let query: [String: String]
    /// The media type of the body, lower-cased, without parameters (`; charset=utf-8`).
    let contentType: String?

    init(head: HTTPRequestHead, body: ByteBuffer, isBodyTooLarge: Bool) {
        self.head = head
        self.body = body
        self.isBodyTooLarge = isBodyTooLarge
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(parts.first ?? "").removingPercentEncoding
        self.query = parts.count == 2 ? Self.parseQuery(parts[1]) : [:]
        self.contentType = head.headers.first(name: "content-type").map { value in
            let mediaType = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            return mediaType.trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    var method: HTTPMethod { head.method }

    var bodyBytes: [UInt8] { Array(body.readableBytesView) }

    private static func parseQuery(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeQueryComponent(pieces[0])
            result[name] = pieces.count == 2 ? decodeQueryComponent(pieces[1]) : ""
        }
        return result
    }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
