public import Foundation
public import Logging

/// A bearer token read from a file, and read again when the file changes.
///
/// Bound service account tokens are projected into Pods and rotated by the kubelet (by default
/// at 80 % of their one-hour lifetime) by atomically swapping the file. Reading the file for
/// every request would be wasteful; reading it once would fail an hour later.
///
/// Flow, on each ``authorizationHeader()``:
/// 1. Look at the file: follow its symlinks (the projected volume swaps a `..data` link), then
///    take the target's path, modification date and size.
/// 2. Read it again when any of them differs from the last read, when the last
///    read is older than `maximumAge` (60 s by default, which also catches a same-size rewrite
///    within the file system's timestamp resolution), or after ``invalidate()``.
/// 3. Trim surrounding whitespace; the result is the token.
///
/// Guarantees: a missing, unreadable or empty file is a ``ConfigurationError`` (source
/// `.tokenFile`) when there is no earlier token to fall back on. When a re-read fails but a token
/// was read before, that token is used (as client-go does) and the failure is logged at debug
/// level, until ``invalidate()`` drops it. The token is never logged or put into an error.
///
/// The clock is injectable so that tests can step time instead of sleeping.
public actor TokenFileProvider: CredentialProvider {
    private struct Snapshot {
        var token: String
        var attributes: FileIdentity
        var readAt: Date
    }

    /// What tells a rewritten or swapped file: where the symlinks lead, its date and its size.
    private struct FileIdentity: Equatable {
        var resolvedPath: String
        var modificationDate: Date?
        var size: Int?
    }

    private let path: String
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let maximumAge: TimeInterval
    private var snapshot: Snapshot?

    /// Creates a provider for the token in `path`.
    ///
    /// - Parameters:
    ///   - maximumAge: how long a read is trusted when the file's date and size have not changed.
    ///   - clock: the current time; tests pass a manual clock.
    public init(
        path: String,
        logger: Logger,
        maximumAge: Duration = .seconds(60),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.path = path
        self.logger = logger
        self.clock = clock
        let (seconds, attoseconds) = maximumAge.components
        self.maximumAge = Double(seconds) + Double(attoseconds) / 1e18
    }

    /// `"Bearer <token>"` from the file, read again if it changed; see the type's documentation.
    public func authorizationHeader() async throws(ConfigurationError) -> String? {
        let now = clock()
        let attributes = Self.identity(path)
        if let snapshot, attributes == snapshot.attributes, now.timeIntervalSince(snapshot.readAt) < maximumAge,
            now >= snapshot.readAt
        {
            return "Bearer " + snapshot.token
        }
        do {
            let token = try Self.readToken(at: path)
            if let previous = snapshot, previous.token != token {
                logger.debug("bearer token file changed; using the new token", metadata: ["path": "\(path)"])
            } else if snapshot == nil {
                logger.trace("read bearer token file", metadata: ["path": "\(path)"])
            }
            snapshot = Snapshot(token: token, attributes: attributes, readAt: now)
            return "Bearer " + token
        } catch {
            guard var previous = snapshot else { throw error }
            logger.debug(
                "cannot read bearer token file again; keeping the token read before",
                metadata: ["path": "\(path)", "error": "\(error.message)"])
            previous.readAt = now
            snapshot = previous
            return "Bearer " + previous.token
        }
    }

    /// Forgets the token, so that the next call must read the file successfully.
    public func invalidate() async {
        snapshot = nil
    }

    /// The identity of the file behind `path`. Symlinks are followed first: the kubelet's atomic
    /// writer swaps a `..data` symlink, and `attributesOfItem` describes a link, not its target.
    private static func identity(_ path: String) -> FileIdentity {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else {
            return FileIdentity(resolvedPath: resolved)
        }
        return FileIdentity(
            resolvedPath: resolved, modificationDate: attributes[.modificationDate] as? Date,
            size: (attributes[.size] as? NSNumber)?.intValue)
    }

    /// Reads and trims the token in `path`; throws (source `.tokenFile`) when it is missing,
    /// unreadable, not UTF-8 or empty. The error never contains the file's content.
    static func readToken(at path: String) throws(ConfigurationError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(source: .tokenFile, file: path, message: FileReading.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(source: .tokenFile, file: path, message: "the file is not UTF-8 text")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw ConfigurationError(source: .tokenFile, file: path, message: "the file is empty")
        }
        return token
    }
}

/// Short, stable reasons for failed file reads, without Foundation's sentence-long wording.
enum FileReading {
    static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            switch error.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "cannot read: no such file"
            case .fileReadNoPermission: return "cannot read: permission denied"
            default: break
            }
        }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return "cannot read: " + String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain {
            return "cannot read: " + String(cString: strerror(Int32(nsError.code)))
        }
        return "cannot read: \(nsError.localizedDescription)"
    }

    /// The contents of `path`, as text; throws a plain reason (no file name) on failure.
    static func text(at path: String) throws(FileReadFailure) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileReadFailure(reason: reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileReadFailure(reason: "not UTF-8 text")
        }
        return text
    }

    struct FileReadFailure: Error {
        var reason: String
    }
}
