import Foundation
public import KubernetesCore

/// Typed access to one kind of object, in one namespace (or cluster-wide).
///
/// Every call builds its request with ``ResourceRequests`` and sends it
/// through the ``KubernetesClient`` (rate limit, auth, retries). Objects are
/// decoded as `R`; fields `R` does not model are dropped, so prefer
/// ``patch(_:_:status:options:)`` over ``update(_:options:)`` for objects
/// other writers also change.
public struct ResourceClient<R: Resource>: Sendable {
    let client: KubernetesClient
    let requests: ResourceRequests<R>

    init(client: KubernetesClient, namespace: String?) {
        self.client = client
        self.requests = ResourceRequests(namespace: namespace)
    }

    /// The object named `name`.
    public func get(_ name: String) async throws(KubernetesError) -> R {
        try await decode(R.self, send(build { () throws(RequestBuildError) in try requests.get(name) }))
    }

    /// One page of objects; `metadata.continue` names the next page.
    public func list(_ options: ListOptions = ListOptions()) async throws(KubernetesError) -> ResourceList<R> {
        try await decode(ResourceList<R>.self, send(requests.list(options)))
    }

    /// Every object, reading pages of `pageSize`, and the list's resourceVersion
    /// (from which a watch continues without missing anything).
    ///
    /// If the continue token expires mid-way (410), the listing starts over once
    /// with a fresh snapshot, as client-go's pager does.
    public func listAll(
        _ options: ListOptions = ListOptions(), pageSize: Int = 500
    ) async throws(KubernetesError) -> (items: [R], resourceVersion: String) {
        var restarted = false
        var items: [R] = []
        var page = options
        page.limit = pageSize
        while true {
            let list: ResourceList<R>
            do {
                list = try await self.list(page)
            } catch where error.isGone && page.continueToken != nil && !restarted {
                restarted = true
                items = []
                page.continueToken = nil
                continue
            }
            items += list.items
            guard let token = list.metadata.continue, !token.isEmpty else {
                return (items, list.metadata.resourceVersion ?? "")
            }
            page.continueToken = token
        }
    }

    /// Creates `object`; throws `isAlreadyExists` when the name is taken.
    public func create(_ object: R, options: WriteOptions = WriteOptions()) async throws(KubernetesError) -> R {
        try await decode(R.self, send(build { () throws(RequestBuildError) in try requests.create(object, options: options) }))
    }

    /// Replaces `object`; throws `isConflict` when its resourceVersion is stale.
    public func update(_ object: R, options: WriteOptions = WriteOptions()) async throws(KubernetesError) -> R {
        try await decode(R.self, send(build { () throws(RequestBuildError) in try requests.update(object, options: options) }))
    }

    /// Replaces the status of `object` (status subresource); throws `isConflict` when stale.
    public func updateStatus(_ object: R, options: WriteOptions = WriteOptions()) async throws(KubernetesError) -> R {
        try await decode(
            R.self, send(build { () throws(RequestBuildError) in try requests.updateStatus(object, options: options) }))
    }

    /// Patches the object (or its status): JSON merge patch or server-side apply.
    public func patch(
        _ name: String, _ patch: Patch, status: Bool = false, options: WriteOptions = WriteOptions()
    ) async throws(KubernetesError) -> R {
        try await decode(
            R.self,
            send(build { () throws(RequestBuildError) in try requests.patch(name, patch, status: status, options: options) }))
    }

    /// Server-side apply of `object` as `fieldManager`.
    public func apply(_ object: R, fieldManager: String, force: Bool = false) async throws(KubernetesError) -> R {
        let body: JSONBody
        do { body = try JSONBody(encoding: object) } catch {
            throw KubernetesError(.invalidRequest(.encodingFailed("\(error)")), request: "PATCH \(R.plural)")
        }
        return try await patch(
            object.metadata.name ?? "", .apply(body, force: force), options: WriteOptions(fieldManager: fieldManager))
    }

    /// Deletes `name`. Returns the object when it still exists (finalizers hold
    /// it, now with a deletionTimestamp), `nil` when it is gone.
    @discardableResult
    public func delete(_ name: String, options: DeleteOptions = DeleteOptions()) async throws(KubernetesError) -> R? {
        let request = try build { () throws(RequestBuildError) in try requests.delete(name, options: options) }
        let data = try await client.send(request)
        // The server answers with the object, or with a success Status once it is gone.
        if let status = try? KubernetesJSON.decoder().decode(Status.self, from: data), status.kind == "Status" {
            return nil
        }
        return try decode(R.self, data, request: request)
    }

    /// Watches changes as they happen. See ``WatchStream`` for how it ends.
    public func watch(_ options: WatchOptions) async throws(KubernetesError) -> WatchStream<R> {
        let request = requests.watch(options)
        let body = try await client.stream(request)
        return WatchStream(body: body, request: KubernetesClient.describe(request))
    }

    // MARK: Helpers

    private func build(_ make: () throws(RequestBuildError) -> APIRequest) throws(KubernetesError) -> APIRequest {
        do { return try make() } catch { throw KubernetesError(.invalidRequest(error), request: "\(R.kind)") }
    }

    private func send(_ request: APIRequest) async throws(KubernetesError) -> (APIRequest, Data) {
        (request, try await client.send(request))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ sent: (APIRequest, Data)) throws(KubernetesError) -> T {
        try decode(type, sent.1, request: sent.0)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, request: APIRequest) throws(KubernetesError) -> T {
        do {
            return try KubernetesJSON.decode(type, from: data)
        } catch {
            throw KubernetesError(
                .decoding("expected \(T.self): \(error)"), request: KubernetesClient.describe(request))
        }
    }
}
