import ControllerRuntime
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore
import Logging

/// What every reconciler of the IPAM controller shares: the API client, the caches, the address
/// book, the orphan tracker, metrics, events and configuration.
struct ControllerContext: Sendable {
    let client: KubernetesClient
    let cache: ClusterCache
    let book: AddressBook
    let orphans: OrphanTracker
    let metrics: IPAMMetrics
    let events: EventRecorder<ContinuousClock>
    let configuration: IPAMControllerConfiguration
    let logger: Logger
    /// Wall-clock time for status timestamps and cooldowns (the API's times are wall-clock).
    let now: @Sendable () -> Date

    var fieldManager: String { configuration.fieldManager }

    func claims(in namespace: String) -> ResourceClient<IPClaim> {
        client.resource(IPClaim.self, namespace: namespace)
    }

    var pools: ResourceClient<IPPool> { client.resource(IPPool.self) }
    var leases: ResourceClient<IPLease> { client.resource(IPLease.self) }

    func pods(in namespace: String) -> ResourceClient<Pod> {
        client.resource(Pod.self, namespace: namespace)
    }

    /// Records an Event about `object` (never blocks).
    func event<R: Resource>(
        _ object: R, _ type: Event.EventType, reason: String, action: String, note: String
    ) {
        events.record(regarding: ObjectReference(object), type: type, reason: reason, action: action, note: note)
    }
}
