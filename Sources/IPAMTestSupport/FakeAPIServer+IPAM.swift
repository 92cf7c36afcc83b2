import IPAMModel
public import KubernetesClientTestKit

extension FakeAPIServer {
    /// Serves every kind the IPAM controller reads or writes: IPPool, IPClaim and IPLease (with
    /// status subresources, as the CRDs declare), Pods, Namespaces, `events.k8s.io` Events and
    /// `coordination.k8s.io` Leases.
    public func registerIPAMKinds() async {
        await register(IPPool.self, statusSubresource: true)
        await register(IPClaim.self, statusSubresource: true)
        await register(IPLease.self, statusSubresource: true)
        await register(.pods)
        await register(.namespaces)
        await register(.events)
        await register(.leases)
    }
}
