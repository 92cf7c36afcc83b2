import ArgumentParser
import CommandLineSupport
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore

/// `ipamctl status [--watch]`: pool usage per family, read from the cluster.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each pool's size, allocated, cooling and free addresses per family, waiting claims and conditions.",
        discussion: """
            Counts are computed from the pools' specs and their IPLeases, exactly (IPv6 sizes as \
            full decimal numbers); conditions are those the controller wrote. --watch redraws \
            whenever a pool, claim or lease changes, and at least every --interval; Ctrl-C stops it.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    @Flag(name: .shortAndLong, help: "Redraw in place on every change (and every --interval) until interrupted.")
    var watch = false

    @Option(help: "With --watch, the longest time between two redraws.")
    var interval = DurationArgument(.seconds(2), text: "2s")

    func run() async throws {
        try await cluster.withClient { client in
            let status = StatusWatch(client: client, interval: interval.duration, format: output)
            if watch {
                try await status.run { Terminal.current.output($0) }
            } else {
                Terminal.current.output(try await status.frame(clear: false).text)
            }
        }
    }
}

/// Reading and rendering `status`, once or on every change.
///
/// Structured: the watches of pools, claims and leases and a ticker are child tasks of
/// ``run(frames:draw:)``; each signals "something changed" into one stream that keeps only the
/// newest signal, so a burst of events costs one redraw. A watch that ends or fails is started
/// again after `interval`; the ticker alone keeps the screen fresh meanwhile.
struct StatusWatch: Sendable {
    let client: KubernetesClient
    let interval: Duration
    let format: OutputFormat

    /// The text of one frame, and the snapshot's resourceVersions to watch from.
    func frame(clear: Bool) async throws -> (text: String, versions: [String: String]) {
        let snapshot = try await ClusterReader(client: client).snapshot(of: [.pools, .claims, .leases], now: Date())
        let report = PoolUsageReport(snapshot)
        let body: String
        switch format {
        case .table: body = report.table()
        case .json: body = try OutputFormat.encode(report, as: .json)
        case .yaml: body = "---\n" + (try OutputFormat.encode(report, as: .yaml))
        }
        guard clear, format == .table else { return (body, snapshot.resourceVersions) }
        // Home, clear screen; then a header line as `watch(1)` prints it.
        let header = "Every \(Self.text(interval)) (and on every change): ipamctl status    \(RFC3339.format(snapshot.readAt))\n\n"
        return ("\u{1B}[H\u{1B}[2J" + header + body, snapshot.resourceVersions)
    }

    /// `2s`, `500ms`: as the flag is written.
    static func text(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// Draws frames until cancelled, or until `limit` frames were drawn (tests).
    func run(frames limit: Int? = nil, draw: @Sendable (String) -> Void) async throws {
        let first = try await frame(clear: true)
        draw(first.text)
        if limit == 1 { return }
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watchChanges(IPPool.self, from: first.versions["ippools"], signal: continuation) }
            group.addTask { await watchChanges(IPClaim.self, from: first.versions["ipclaims"], signal: continuation) }
            group.addTask { await watchChanges(IPLease.self, from: first.versions["ipleases"], signal: continuation) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    continuation.yield()
                }
            }
            var drawn = 1
            for await _ in changes {
                draw(try await frame(clear: true).text)
                drawn += 1
                if let limit, drawn >= limit { break }
            }
            continuation.finish()
            group.cancelAll()
        }
    }

    /// Signals every event of a watch of `R`, resuming from the last version seen; returns when
    /// cancelled.
    private func watchChanges<R: Resource>(
        _ type: R.Type, from version: String?, signal: AsyncStream<Void>.Continuation
    ) async {
        var version = version
        while !Task.isCancelled {
            do {
                let stream = try await client.resource(R.self).watch(
                    WatchOptions(resourceVersion: version, allowWatchBookmarks: true, timeoutSeconds: 300))
                for try await event in stream {
                    switch event {
                    case .bookmark(let resourceVersion):
                        version = resourceVersion
                    case .error:
                        version = nil  // too old: start from now
                        signal.yield()
                    case .added(let object), .modified(let object), .deleted(let object):
                        version = object.metadata.resourceVersion ?? version
                        signal.yield()
                    }
                }
            } catch {
                // A failed watch: the ticker keeps redrawing; try again after a pause.
            }
            try? await Task.sleep(for: interval)
        }
    }
}
