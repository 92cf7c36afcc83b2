import Foundation
import Synchronization

/// Runs a child process to completion without blocking a thread of the cooperative pool.
///
/// ```text
///  run() ── spawn ──▶ child ── stdout, stderr ──▶ two unlinked temporary files
///                       └──── exit ──▶ terminationHandler ── read files ──┐
///  timeout child task ── SIGKILL + finish(.timedOut) ─────────────────────┼─▶ Collector ─▶ continuation
///  task cancellation ─── SIGKILL + finish(.cancelled) ────────────────────┘
/// ```
///
/// Why files and not pipes: with pipes the run is over only when both reach end-of-file, and any
/// other process holding a write end — a grandchild the plugin left behind, or an unrelated child
/// spawned concurrently by this process that inherited the descriptors — holds that off. A file
/// needs no end-of-file: once the plugin has exited, what it wrote is there. The files are
/// created with mode 0600 and unlinked at once, so they have no name that another process could
/// open, and they vanish when the last descriptor closes.
///
/// The process is awaited with Foundation's `terminationHandler` and a checked continuation,
/// resumed exactly once: on exit, on timeout, or on cancellation. Standard input is `/dev/null`.
struct PluginProcess: Sendable {
    /// How a run ended.
    enum Outcome: Sendable {
        /// The process exited (or was killed by a signal).
        case exited(status: Int32, signaled: Bool, stdout: Data, stderr: Data)
        /// The process could not be started.
        case launchFailed(reason: String)
        /// The timeout passed; the process was killed.
        case timedOut(stderr: Data)
        /// The awaiting task was cancelled; the process was killed.
        case cancelled
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var timeout: Duration

    func run() async -> Outcome {
        let stdout: OutputFile
        let stderr: OutputFile
        do {
            stdout = try OutputFile()
            stderr = try OutputFile()
        } catch {
            return .launchFailed(reason: "cannot create a temporary file for its output: \(error.reason)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout.handle
        process.standardError = stderr.handle
        let collector = Collector(process: process, stdout: stdout, stderr: stderr)

        return await withTaskGroup(of: Void.self, returning: Outcome.self) { group in
            let timeout = self.timeout
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return  // the run finished first and cancelled the timer
                }
                collector.stop(with: .timedOut(stderr: Data()))
            }
            let outcome = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                    collector.start(continuation)
                }
            } onCancel: {
                collector.stop(with: .cancelled)
            }
            group.cancelAll()
            return outcome
        }
    }

    /// An unlinked temporary file with close-on-exec set, so only the child (through its dup'ed
    /// standard output or error) inherits it.
    final class OutputFile: Sendable {
        struct Failure: Error {
            var reason: String
        }

        let descriptor: Int32
        /// Owns the descriptor; closes it when the file goes away.
        let handle: FileHandle

        init() throws(Failure) {
            var template = Array((NSTemporaryDirectory() + "/swift-ipam-exec-XXXXXX").utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            self.descriptor = descriptor
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }

        /// Everything written so far, read by offset (the child shares the file position).
        func contents(limit: Int = 1 << 20) -> Data {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while data.count < limit {
                let count = buffer.withUnsafeMutableBytes { bytes in
                    pread(descriptor, bytes.baseAddress, bytes.count, off_t(data.count))
                }
                if count > 0 {
                    data.append(contentsOf: buffer[0..<count])
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            return data
        }
    }

    /// Resumes the waiting task exactly once, from whichever of exit, timeout and cancellation
    /// comes first.
    final class Collector: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome, Never>?
            /// Set when the outcome is decided; a continuation installed later resumes at once.
            var outcome: Outcome?
            var resumed = false
            var launched = false
            var exited = false
        }

        private let process: Process
        private let stdout: OutputFile
        private let stderr: OutputFile
        private let state = Mutex(State())

        init(process: Process, stdout: OutputFile, stderr: OutputFile) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
        }

        /// Installs the continuation and launches the process, unless cancelled already.
        func start(_ continuation: CheckedContinuation<Outcome, Never>) {
            let decided = state.withLock { state -> Bool in
                state.continuation = continuation
                return state.outcome != nil
            }
            guard !decided else {
                resume()
                return
            }
            process.terminationHandler = { [stdout, stderr, weak self] process in
                // Foundation's thread: reading two small regular files here blocks nobody.
                let outcome = Outcome.exited(
                    status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                    stdout: stdout.contents(), stderr: stderr.contents())
                self?.state.withLock { $0.exited = true }
                self?.decide(outcome)
            }
            do {
                try process.run()
                state.withLock { $0.launched = true }
            } catch {
                decide(.launchFailed(reason: FileReading.reason(error)))
                return
            }
            // Cancelled or timed out between the check above and the launch: kill it now.
            let killNow = state.withLock { $0.outcome != nil && !$0.exited }
            if killNow { kill(process.processIdentifier, SIGKILL) }
        }

        /// Decides `outcome` (with standard error so far, for a timeout) and kills the process if
        /// it is still running.
        ///
        /// SIGKILL rather than SIGTERM: a child spawned from a thread that blocks signals (as
        /// Dispatch's threads do) inherits that mask and would never see SIGTERM.
        func stop(with outcome: Outcome) {
            var outcome = outcome
            if case .timedOut = outcome { outcome = .timedOut(stderr: stderr.contents(limit: 64 * 1024)) }
            guard decide(outcome) else { return }
            let running = state.withLock { $0.launched && !$0.exited }
            if running { kill(process.processIdentifier, SIGKILL) }
        }

        /// Records the outcome unless one is recorded already; returns whether this one was.
        @discardableResult
        private func decide(_ outcome: Outcome) -> Bool {
            let decided = state.withLock { state -> Bool in
                guard state.outcome == nil else { return false }
                state.outcome = outcome
                return true
            }
            if decided { resume() }
            return decided
        }

        private func resume() {
            let ready = state.withLock { state -> (CheckedContinuation<Outcome, Never>, Outcome)? in
                guard !state.resumed, let continuation = state.continuation, let outcome = state.outcome else {
                    return nil
                }
                state.resumed = true
                return (continuation, outcome)
            }
            guard let (continuation, outcome) = ready else { return }
            continuation.resume(returning: outcome)
        }
    }
}
