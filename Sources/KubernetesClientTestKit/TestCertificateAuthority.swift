import Foundation
import Crypto
import X509

/// A throw-away certificate authority for one test run, with a server certificate for the
/// stand-in and a client certificate for the test: all P-256 keys, PEM-encoded, valid from an
/// hour ago (clock skew) for one day.
///
/// - The server certificate names `localhost`, `127.0.0.1` and `::1`.
/// - The client certificate's subject is `CN=<user>, O=<groups…>`, which is how the API server
///   names x509 users and groups; it carries the `clientAuth` extended key usage.
///
/// Not for anything but tests: keys live in memory, nothing is revocable.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate, PEM: what clients trust (kubeconfig `certificate-authority-data`).
    public let caCertificatePEM: String
    /// The stand-in's certificate and key, PEM.
    public let serverCertificatePEM: String
    public let serverPrivateKeyPEM: String
    /// A client certificate and key for ``clientUser``, PEM (kubeconfig
    /// `client-certificate-data` / `client-key-data`).
    public let clientCertificatePEM: String
    public let clientPrivateKeyPEM: String
    /// The common name of the client certificate.
    public let clientUser: String

    private let caKey: P256.Signing.PrivateKey
    private let caCertificate: Certificate

    /// Generates a CA, a server certificate and a client certificate for `clientUser`.
    public init(clientUser: String = "test-admin", clientGroups: [String] = ["system:masters"]) throws {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("swift-ipam test CA") }
        let caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        self.caKey = caKey
        self.caCertificate = caCertificate
        self.caCertificatePEM = try caCertificate.serializeAsPEM().pemString

        let serverKey = P256.Signing.PrivateKey()
        let server = try Self.issue(
            subject: try DistinguishedName { CommonName("kube-apiserver") }, key: serverKey, caKey: caKey,
            caCertificate: caCertificate, now: now,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(.init(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(.init(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
                ])
            })
        self.serverCertificatePEM = server
        self.serverPrivateKeyPEM = serverKey.pemRepresentation

        let client = try Self.makeClientCertificate(
            user: clientUser, groups: clientGroups, caKey: caKey, caCertificate: caCertificate, now: now)
        self.clientCertificatePEM = client.certificatePEM
        self.clientPrivateKeyPEM = client.privateKeyPEM
        self.clientUser = clientUser
    }

    /// Issues another client certificate from this CA, e.g. for a second user.
    public func issueClientCertificate(user: String, groups: [String] = []) throws -> (certificatePEM: String, privateKeyPEM: String) {
        try Self.makeClientCertificate(user: user, groups: groups, caKey: caKey, caCertificate: caCertificate, now: Date())
    }

    private static func makeClientCertificate(
        user: String, groups: [String], caKey: P256.Signing.PrivateKey, caCertificate: Certificate, now: Date
    ) throws -> (certificatePEM: String, privateKeyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            for group in groups { OrganizationName(group) }
            CommonName(user)
        }
        let certificate = try issue(
            subject: subject, key: key, caKey: caKey, caCertificate: caCertificate, now: now,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            })
        return (certificate, key.pemRepresentation)
    }

    private static func issue(
        subject: DistinguishedName, key: P256.Signing.PrivateKey, caKey: P256.Signing.PrivateKey,
        caCertificate: Certificate, now: Date, extensions: Certificate.Extensions
    ) throws -> String {
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400,
            issuer: caCertificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(caKey))
        return try certificate.serializeAsPEM().pemString
    }

    /// The common name of a DER certificate's subject, e.g. the user of a client certificate.
    static func commonName(ofDER der: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        for relativeName in certificate.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value)
            }
        }
        return nil
    }
}
