import Foundation
import Logging
import Synchronization

/// A directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path =
            URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("swift-ipam-config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `name` inside the directory.
    func url(_ name: String) -> String { path + "/" + name }

    /// Writes `contents` to `name` (creating intermediate directories); returns the absolute path.
    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = url(name)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Written with O_CLOEXEC: a child spawned concurrently by another test must not inherit a
        // write descriptor, or executing this file as a script fails with "Text file busy".
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try writeAll(descriptor, Array(contents.utf8))
        if executable { _ = chmod(file, 0o755) }
        return file
    }

    /// Writes a bash script (the shebang is added); returns its absolute path.
    @discardableResult
    func script(_ name: String, _ body: String) throws -> String {
        try write(name, "#!/bin/bash\n" + body + "\n", executable: true)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: url(name), encoding: .utf8)
    }
}

private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        written += count
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The closure the providers take.
    var function: @Sendable () -> Date { { self.now } }
}

/// Collects log records so that tests can assert on levels and on what was never logged.
final class RecordingLogHandler: LogHandler, Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: String
    }

    private let storage = Mutex<[Record]>([])
    private let storedMetadata = Mutex<Logger.Metadata>([:])
    private let storedLevel = Mutex<Logger.Level>(.trace)

    var records: [Record] { storage.withLock { $0 } }

    /// Every message and metadata value, for "this secret was never logged" checks.
    var everything: String {
        records.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
    }

    func logger() -> Logger {
        Logger(label: "test") { _ in self }
    }

    var metadata: Logger.Metadata {
        get { storedMetadata.withLock { $0 } }
        set { storedMetadata.withLock { $0 = newValue } }
    }

    var logLevel: Logger.Level {
        get { storedLevel.withLock { $0 } }
        set { storedLevel.withLock { $0 = newValue } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let text = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        storage.withLock { $0.append(Record(level: event.level, message: "\(event.message)", metadata: text)) }
    }
}

extension String {
    /// The text base64-encoded, as kubeconfig `*-data` fields hold it.
    var base64: String { Data(utf8).base64EncodedString() }
}
