public import NIOSSL

/// How to verify the API server and, optionally, how to prove who we are with a client
/// certificate.
///
/// All material is held as PEM text, already read from files and base64-decoded by the loader,
/// so a configuration can be copied, compared and sent across concurrency domains freely.
///
/// - `certificateAuthorityPEM`: one or more PEM certificates to trust *instead of* the system
///   roots; `nil` trusts the system roots.
/// - `serverName`: the kubeconfig `tls-server-name`, the name to expect in the server's
///   certificate (and to send as SNI) when it differs from the host in the server URL. The
///   transport applies it; NIOSSL's `TLSConfiguration` has no place for it.
/// - `insecureSkipVerify`: no verification of the server at all. Only ever `true` when a
///   kubeconfig says so explicitly; the loader then logs a warning.
/// - `clientCertificatePEM` / `clientKeyPEM`: both or neither. The chain starts with the leaf.
///   The key may be RSA or EC, as PKCS#1 (`RSA PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or
///   PKCS#8 (`PRIVATE KEY`); encrypted keys are not supported.
///
/// `description` and `dump` never show the client key.
public struct TLSSettings: Sendable, Hashable {
    /// PEM certificates to trust instead of the system roots; `nil` for the system roots.
    public var certificateAuthorityPEM: String?
    /// The name to verify in the server certificate, when not the URL's host (`tls-server-name`).
    public var serverName: String?
    /// Skip all verification of the server certificate. Dangerous; only when explicitly asked.
    public var insecureSkipVerify: Bool
    /// The client certificate chain, PEM, leaf first.
    public var clientCertificatePEM: String?
    /// The client private key, PEM (PKCS#1, SEC1 or PKCS#8; RSA or EC).
    public var clientKeyPEM: String?

    /// Creates TLS settings; the defaults verify the server against the system roots and send no
    /// client certificate.
    public init(
        certificateAuthorityPEM: String? = nil,
        serverName: String? = nil,
        insecureSkipVerify: Bool = false,
        clientCertificatePEM: String? = nil,
        clientKeyPEM: String? = nil
    ) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// The NIOSSL client configuration for these settings.
    ///
    /// - Trust: the CA certificates when given, else the system's default roots.
    /// - Verification: full (chain and host name), or none when `insecureSkipVerify` is set.
    ///   NIOSSL's host name check also accepts an IP SAN equal to the *connected* address, so on
    ///   its own it does not enforce ``serverName``; ``AsyncHTTPClientTransport`` additionally
    ///   requires the certificate to name `serverName` (else the URL's host), as client-go does.
    /// - Client identity: the certificate chain and private key when given; the key must belong
    ///   to the first certificate.
    ///
    /// Throws a ``ConfigurationError`` (source `.tls`) naming the field — `certificate-authority-data`,
    /// `client-certificate-data` or `client-key-data` — when its PEM cannot be used. The error
    /// never contains key material.
    public func makeNIOSSLConfiguration() throws(ConfigurationError) -> NIOSSL.TLSConfiguration {
        var configuration = NIOSSL.TLSConfiguration.makeClientConfiguration()
        if let certificateAuthorityPEM {
            let roots = try Self.certificates(
                fromPEM: certificateAuthorityPEM, field: FieldName.certificateAuthority)
            configuration.trustRoots = .certificates(roots)
        } else {
            configuration.trustRoots = .default
        }
        configuration.certificateVerification = insecureSkipVerify ? .none : .fullVerification

        switch (clientCertificatePEM, clientKeyPEM) {
        case (nil, nil):
            break
        case (.some, nil):
            throw ConfigurationError(
                source: .tls, field: FieldName.clientKey,
                message: "a client certificate was given without its private key")
        case (nil, .some):
            throw ConfigurationError(
                source: .tls, field: FieldName.clientCertificate,
                message: "a client private key was given without its certificate")
        case (let certificatePEM?, let keyPEM?):
            let chain = try Self.certificates(fromPEM: certificatePEM, field: FieldName.clientCertificate)
            let key = try Self.privateKey(fromPEM: keyPEM, field: FieldName.clientKey)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
            try Self.checkKeyMatchesCertificate(chain: chain, key: key, field: FieldName.clientKey)
        }
        return configuration
    }

    /// The kubeconfig names of the fields, used in errors.
    enum FieldName {
        static let certificateAuthority = "certificate-authority-data"
        static let clientCertificate = "client-certificate-data"
        static let clientKey = "client-key-data"
    }

    /// Parses one or more PEM certificates; throws naming `field` when there are none or one is bad.
    static func certificates(fromPEM pem: String, field: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        guard pem.contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigurationError(
                source: .tls, field: field, message: "no PEM certificate (-----BEGIN CERTIFICATE-----) found")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw ConfigurationError(source: .tls, field: field, message: "not a valid PEM certificate")
        }
        guard !certificates.isEmpty else {
            throw ConfigurationError(source: .tls, field: field, message: "not a valid PEM certificate")
        }
        return certificates
    }

    /// Parses a PEM private key; throws naming `field` (and never quoting the key) when it is bad.
    static func privateKey(fromPEM pem: String, field: String) throws(ConfigurationError) -> NIOSSLPrivateKey {
        guard pem.contains("PRIVATE KEY-----") else {
            throw ConfigurationError(
                source: .tls, field: field,
                message: "no PEM private key (-----BEGIN [RSA |EC ]PRIVATE KEY-----) found")
        }
        if pem.contains("ENCRYPTED") {
            throw ConfigurationError(
                source: .tls, field: field, message: "encrypted private keys are not supported")
        }
        do {
            return try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        } catch {
            throw ConfigurationError(
                source: .tls, field: field,
                message: "not a valid PEM private key (expected RSA or EC, as PKCS#1, SEC1 or PKCS#8)")
        }
    }

    /// Fails when `key` is not the private key of the chain's first certificate.
    ///
    /// BoringSSL checks this when both are loaded into one context; doing it here turns a
    /// confusing handshake failure later into an error that names the field now.
    static func checkKeyMatchesCertificate(
        chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, field: String
    ) throws(ConfigurationError) {
        var probe = NIOSSL.TLSConfiguration.makeClientConfiguration()
        probe.trustRoots = .certificates([])
        probe.certificateChain = chain.map { .certificate($0) }
        probe.privateKey = .privateKey(key)
        do {
            _ = try NIOSSLContext(configuration: probe)
        } catch {
            throw ConfigurationError(
                source: .tls, field: field,
                message: "the private key does not belong to the client certificate")
        }
    }
}

extension TLSSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A summary that says which material is present, never the key.
    public var description: String {
        var parts: [String] = []
        if let certificateAuthorityPEM {
            parts.append("certificateAuthority: PEM (\(certificateAuthorityPEM.utf8.count) bytes)")
        } else {
            parts.append("certificateAuthority: system roots")
        }
        if let serverName { parts.append("serverName: \(serverName)") }
        if insecureSkipVerify { parts.append("insecureSkipVerify: true") }
        if let clientCertificatePEM {
            parts.append("clientCertificate: PEM (\(clientCertificatePEM.utf8.count) bytes)")
        }
        if clientKeyPEM != nil { parts.append("clientKey: <redacted>") }
        return "TLSSettings(" + parts.joined(separator: ", ") + ")"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the key material, so that `dump` does not print it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "certificateAuthorityPEM": certificateAuthorityPEM as Any,
                "serverName": serverName as Any,
                "insecureSkipVerify": insecureSkipVerify,
                "clientCertificatePEM": clientCertificatePEM as Any,
                "clientKeyPEM": clientKeyPEM == nil ? "nil" : "<redacted>",
            ])
    }
}
