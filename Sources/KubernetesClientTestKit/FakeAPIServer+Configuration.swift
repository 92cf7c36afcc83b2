public import Logging

extension FakeAPIServer {
    /// How a ``FakeAPIServer`` runs. The defaults suit most tests: plain HTTP, no
    /// authentication, the core kinds registered, garbage collection on.
    public struct Configuration: Sendable {
        /// Plain HTTP or TLS.
        public enum TransportSecurity: Sendable, Hashable {
            /// Plain HTTP: fastest; enough for everything but authentication and TLS tests.
            case plaintext
            /// HTTPS with a CA generated at start-up; client certificates of that CA are accepted
            /// (and optional: token-only clients work too).
            case tls
        }

        public var transportSecurity: TransportSecurity
        /// The kinds served from the start (more can be registered at run time).
        public var resources: [ResourceRegistration]
        /// Accepted bearer tokens and the user each authenticates as; changeable at run time with
        /// ``FakeAPIServer/setBearerTokens(_:)``.
        public var bearerTokens: [String: String]
        /// Whether requests without credentials are refused (401). A wrong token is refused either way.
        public var requiresAuthentication: Bool
        /// The common name of the generated client certificate (TLS mode).
        public var clientCertificateUser: String
        /// How many changes each kind's watch history keeps; a watch from an older version gets 410.
        public var watchHistoryLimit: Int
        /// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK.
        public var bookmarkInterval: Duration
        /// Whether the garbage collector acts on owner references at start-up.
        public var isGarbageCollectorEnabled: Bool
        /// The largest request body accepted; bigger ones get 413.
        public var maximumRequestBodySize: Int
        /// Where the server logs (debug and trace only).
        public var logger: Logger

        public init(
            transportSecurity: TransportSecurity = .plaintext,
            resources: [ResourceRegistration] = ResourceRegistration.coreKinds,
            bearerTokens: [String: String] = [:],
            requiresAuthentication: Bool = false,
            clientCertificateUser: String = "test-admin",
            watchHistoryLimit: Int = 1000,
            bookmarkInterval: Duration = .seconds(1),
            isGarbageCollectorEnabled: Bool = true,
            maximumRequestBodySize: Int = 3 * 1024 * 1024,
            logger: Logger = Logger(label: "KubernetesClientTestKit")
        ) {
            self.transportSecurity = transportSecurity
            self.resources = resources
            self.bearerTokens = bearerTokens
            self.requiresAuthentication = requiresAuthentication
            self.clientCertificateUser = clientCertificateUser
            self.watchHistoryLimit = watchHistoryLimit
            self.bookmarkInterval = bookmarkInterval
            self.isGarbageCollectorEnabled = isGarbageCollectorEnabled
            self.maximumRequestBodySize = maximumRequestBodySize
            self.logger = logger
        }
    }
}
