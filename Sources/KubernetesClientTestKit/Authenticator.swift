import Synchronization

/// Decides who a request is: the API server's union of authenticators, in its order (client
/// certificate first, then bearer token), and anonymous only when nothing was presented.
///
/// A presented but unknown bearer token is refused (401) even when anonymous requests are
/// allowed, as the real server does: a bad credential is never downgraded to anonymous.
final class Authenticator: Sendable {
    enum Outcome: Sendable, Equatable {
        /// Accepted; the user name, or `nil` for anonymous.
        case authenticated(String?)
        case rejected
    }

    private let tokens: Mutex<[String: String]>
    let requiresAuthentication: Bool

    init(tokens: [String: String], requiresAuthentication: Bool) {
        self.tokens = Mutex(tokens)
        self.requiresAuthentication = requiresAuthentication
    }

    /// The accepted bearer tokens and the user each one authenticates as.
    var bearerTokens: [String: String] {
        get { tokens.withLock { $0 } }
        set { tokens.withLock { $0 = newValue } }
    }

    func authenticate(authorization: String?, certificateUser: String?) -> Outcome {
        if let certificateUser { return .authenticated(certificateUser) }
        if let authorization, let token = Self.bearerToken(in: authorization) {
            guard let user = tokens.withLock({ $0[token] }) else { return .rejected }
            return .authenticated(user)
        }
        return requiresAuthentication ? .rejected : .authenticated(nil)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive); `nil` for other schemes.
    static func bearerToken(in header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingPrefixAndSuffixSpaces()
        return token.isEmpty ? nil : token
    }
}

extension Substring {
    fileprivate func trimmingPrefixAndSuffixSpaces() -> String {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
