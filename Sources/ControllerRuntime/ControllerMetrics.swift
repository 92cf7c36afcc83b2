import Metrics

/// The `controller_runtime_*` metrics of one controller, with controller-runtime's names and a
/// `controller` label, so existing Kubernetes dashboards show them.
struct ControllerMetrics: Sendable {
    /// `controller_runtime_reconcile_total{controller,result}` by result: `success`, `error`,
    /// `requeue_after`.
    let success: Counter
    let error: Counter
    let requeueAfter: Counter
    /// `controller_runtime_reconcile_errors_total{controller}`: reconciles that threw.
    let errors: Counter
    /// `controller_runtime_terminal_reconcile_errors_total{controller}`: of those, terminal ones.
    let terminalErrors: Counter
    /// `controller_runtime_reconcile_time_seconds{controller}`.
    let reconcileTime: Metrics.Timer
    /// `controller_runtime_active_workers{controller}`.
    let activeWorkers: Gauge
    /// `controller_runtime_max_concurrent_reconciles{controller}`.
    let maxConcurrentReconciles: Gauge

    init(controller: String, factory: any MetricsFactory) {
        func total(_ result: String) -> Counter {
            Counter(
                label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)],
                factory: factory)
        }
        let dimensions = [("controller", controller)]
        success = total("success")
        error = total("error")
        requeueAfter = total("requeue_after")
        errors = Counter(label: "controller_runtime_reconcile_errors_total", dimensions: dimensions, factory: factory)
        terminalErrors = Counter(
            label: "controller_runtime_terminal_reconcile_errors_total", dimensions: dimensions, factory: factory)
        reconcileTime = Metrics.Timer(
            label: "controller_runtime_reconcile_time_seconds", dimensions: dimensions, factory: factory)
        activeWorkers = Gauge(label: "controller_runtime_active_workers", dimensions: dimensions, factory: factory)
        maxConcurrentReconciles = Gauge(
            label: "controller_runtime_max_concurrent_reconciles", dimensions: dimensions, factory: factory)
    }
}
