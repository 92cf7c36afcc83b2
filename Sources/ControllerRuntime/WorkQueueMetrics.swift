import Metrics

/// The `workqueue_*` metrics of one queue, with controller-runtime's names and a `name` label, so
/// existing Kubernetes dashboards show them.
///
/// Durations are swift-metrics timers (nanoseconds), which Prometheus backends export as
/// histograms in seconds; the unfinished-work gauges are in seconds.
struct WorkQueueMetrics: Sendable {
    /// Keys waiting to be processed.
    let depth: Gauge
    /// Keys that became work (coalesced adds are not counted).
    let adds: Counter
    /// Delayed and rate-limited adds.
    let retries: Counter
    /// How long a key waited between add and hand-out.
    let queueDuration: Metrics.Timer
    /// How long a key was processed.
    let workDuration: Metrics.Timer
    /// Sum of the time the keys being processed have been at it, in seconds.
    let unfinishedWork: Gauge
    /// The longest time one key being processed has been at it, in seconds.
    let longestRunningProcessor: Gauge

    init(name: String, factory: any MetricsFactory) {
        let dimensions = [("name", name)]
        depth = Gauge(label: "workqueue_depth", dimensions: dimensions, factory: factory)
        adds = Counter(label: "workqueue_adds_total", dimensions: dimensions, factory: factory)
        retries = Counter(label: "workqueue_retries_total", dimensions: dimensions, factory: factory)
        queueDuration = Metrics.Timer(
            label: "workqueue_queue_duration_seconds", dimensions: dimensions, factory: factory)
        workDuration = Metrics.Timer(
            label: "workqueue_work_duration_seconds", dimensions: dimensions, factory: factory)
        unfinishedWork = Gauge(label: "workqueue_unfinished_work_seconds", dimensions: dimensions, factory: factory)
        longestRunningProcessor = Gauge(
            label: "workqueue_longest_running_processor_seconds", dimensions: dimensions, factory: factory)
    }

    func recordUnfinishedWork(total: Duration, longest: Duration) {
        unfinishedWork.record(total.inSeconds)
        longestRunningProcessor.record(longest.inSeconds)
    }
}

extension Duration {
    /// The duration in (fractional) seconds, for metrics.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
