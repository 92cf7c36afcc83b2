import Foundation
import KubernetesClient
import NIOSSL
import Testing

@Suite struct TLSSettingsTests {
    @Test(arguments: [
        ("EC SEC1", TestPEM.ecClientCertificate, TestPEM.ecClientKeySEC1),
        ("EC PKCS#8", TestPEM.ecClientCertificate, TestPEM.ecClientKeyPKCS8),
        ("RSA PKCS#1", TestPEM.rsaClientCertificate, TestPEM.rsaClientKeyPKCS1),
        ("RSA PKCS#8", TestPEM.rsaClientCertificate, TestPEM.rsaClientKeyPKCS8),
    ])
    func clientCertificateWithCA(kind: String, certificate: String, key: String) throws {
        let settings = TLSSettings(
            certificateAuthorityPEM: TestPEM.caCertificate, clientCertificatePEM: certificate, clientKeyPEM: key)

        let configuration = try settings.makeNIOSSLConfiguration()

        let ca = try NIOSSLCertificate.fromPEMBytes(Array(TestPEM.caCertificate.utf8))
        #expect(configuration.trustRoots == .certificates(ca))
        #expect(configuration.certificateVerification == .fullVerification)
        let leaf = try NIOSSLCertificate(bytes: Array(certificate.utf8), format: .pem)
        #expect(configuration.certificateChain == [.certificate(leaf)])
        #expect(configuration.privateKey == .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem)))
        _ = try NIOSSLContext(configuration: configuration)
    }

    @Test func systemRootsWithoutCA() throws {
        let configuration = try TLSSettings().makeNIOSSLConfiguration()

        #expect(configuration.trustRoots == .default)
        #expect(configuration.certificateVerification == .fullVerification)
        #expect(configuration.certificateChain.isEmpty)
        #expect(configuration.privateKey == nil)
    }

    @Test func insecureSkipVerifyTurnsVerificationOff() throws {
        let configuration = try TLSSettings(insecureSkipVerify: true).makeNIOSSLConfiguration()

        #expect(configuration.certificateVerification == .none)
    }

    @Test(arguments: [
        (
            TLSSettings(certificateAuthorityPEM: "garbage"), "certificate-authority-data",
            "no PEM certificate"
        ),
        (
            TLSSettings(
                certificateAuthorityPEM: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            "certificate-authority-data", "not a valid PEM certificate"
        ),
        (
            TLSSettings(clientCertificatePEM: TestPEM.ecClientCertificate), "client-key-data",
            "without its private key"
        ),
        (TLSSettings(clientKeyPEM: TestPEM.ecClientKeySEC1), "client-certificate-data", "without its certificate"),
        (
            TLSSettings(clientCertificatePEM: TestPEM.ecClientKeySEC1, clientKeyPEM: TestPEM.ecClientKeySEC1),
            "client-certificate-data", "no PEM certificate"
        ),
        (
            TLSSettings(
                clientCertificatePEM: TestPEM.ecClientCertificate,
                clientKeyPEM: "-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END EC PRIVATE KEY-----"),
            "client-key-data", "not a valid PEM private key"
        ),
        (
            TLSSettings(
                clientCertificatePEM: TestPEM.ecClientCertificate,
                clientKeyPEM:
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END ENCRYPTED PRIVATE KEY-----"),
            "client-key-data", "encrypted private keys are not supported"
        ),
        (
            TLSSettings(clientCertificatePEM: TestPEM.ecClientCertificate, clientKeyPEM: TestPEM.rsaClientKeyPKCS1),
            "client-key-data", "does not belong to the client certificate"
        ),
    ])
    func badPEMNamesTheField(settings: TLSSettings, field: String, message: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try settings.makeNIOSSLConfiguration()
        }

        #expect(error?.source == .tls)
        #expect(error?.field == field)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.description.contains("c2VjcmV0LWJ5dGVz") == false)
        #expect(error?.description.contains("MIIE") == false)
    }

    @Test func descriptionAndDumpRedactTheKey() {
        let settings = TLSSettings(
            certificateAuthorityPEM: TestPEM.caCertificate, clientCertificatePEM: TestPEM.rsaClientCertificate,
            clientKeyPEM: TestPEM.rsaClientKeyPKCS1)
        var dumped = ""
        dump(settings, to: &dumped)

        for text in ["\(settings)", String(reflecting: settings), dumped] {
            #expect(text.contains("<redacted>"))
            #expect(!text.contains("PRIVATE KEY"))
        }
    }

    /// Fresh keys from the machine's openssl, when there is one: a P-384 EC key (PKCS#8, as
    /// openssl 3 writes it by default) and a 3072-bit RSA key, each with a self-signed certificate.
    @Test(.enabled(if: Self.openssl != nil), arguments: ["ec", "rsa"])
    func freshlyGeneratedKeysFromOpenSSL(algorithm: String) throws {
        let directory = try TemporaryDirectory()
        let openssl = try #require(Self.openssl)
        let keyOptions =
            algorithm == "ec"
            ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1"] : ["-newkey", "rsa:3072"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments =
            ["req", "-x509", "-nodes"] + keyOptions + [
                "-keyout", directory.url("key.pem"), "-out", directory.url("cert.pem"),
                "-days", "1", "-subj", "/CN=swift-ipam-test-\(algorithm)",
            ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let certificate = try directory.read("cert.pem")
        let key = try directory.read("key.pem")

        let settings = TLSSettings(
            certificateAuthorityPEM: certificate, clientCertificatePEM: certificate, clientKeyPEM: key)
        let configuration = try settings.makeNIOSSLConfiguration()

        #expect(configuration.certificateChain.count == 1)
        _ = try NIOSSLContext(configuration: configuration)
    }

    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
