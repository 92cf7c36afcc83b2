import Foundation
import KubernetesCore

/// The verbs: from a resolved target and the request's query and body to a store operation.
extension FakeAPIServer {
    func handle(_ request: HTTPRequest, _ target: RequestTarget) async throws(FakeAPIError) -> RouteResult {
        let query = request.query
        let dryRun = try Self.dryRun(query)
        switch target.verb {
        case .get:
            return .response(.json(try await store.get(target.resource, target.key)))

        case .list:
            let page = try await store.list(
                target.resource, filter: try Self.filter(target, query),
                limit: try QueryFlags.integer(query["limit"], name: "limit"), continueToken: query["continue"])
            return .response(.json(page))

        case .watch:
            return .watch(try Self.watchRequest(target, query))

        case .create:
            let body = try Self.jsonBody(request, accepting: ["application/json"])
            let created = try await store.create(target.resource, namespace: target.namespace, body: body, dryRun: dryRun)
            return .response(.json(created, status: .created))

        case .update:
            let body = try Self.jsonBody(request, accepting: ["application/json"])
            return .response(
                .json(
                    try await store.update(
                        target.resource, target.key, body: body, statusOnly: target.isStatus, dryRun: dryRun)))

        case .patch:
            return try await patch(request, target, dryRun: dryRun)

        case .delete:
            return try await delete(request, target, dryRun: dryRun)

        case .deleteCollection:
            throw .methodNotAllowed("DELETE (deletecollection is not supported by the stand-in)")
        }
    }

    private func patch(_ request: HTTPRequest, _ target: RequestTarget, dryRun: Bool) async throws(FakeAPIError) -> RouteResult {
        switch request.contentType {
        case "application/merge-patch+json":
            let patch = try Self.jsonBody(request, accepting: ["application/merge-patch+json"])
            return .response(
                .json(
                    try await store.mergePatch(
                        target.resource, target.key, patch: patch, statusOnly: target.isStatus, dryRun: dryRun)))
        case "application/apply-patch+yaml":
            // ValidatePatchOptions: apply without a field manager is invalid (422), not a bad request.
            guard let manager = request.query["fieldManager"], !manager.isEmpty else {
                throw .invalid(
                    "PatchOptions", group: "meta.k8s.io", name: "",
                    causes: [
                        Status.Cause(
                            reason: "FieldValueRequired", message: "Required value: is required for apply patch",
                            field: "fieldManager")
                    ])
            }
            let configuration: JSONValue
            do {
                configuration = try JSONValue(parsing: request.bodyBytes)
            } catch {
                throw .badRequest("the stand-in accepts apply configurations as JSON only (YAML is not parsed): \(error)")
            }
            let outcome = try await store.apply(
                target.resource, target.key, configuration: configuration, statusOnly: target.isStatus, dryRun: dryRun)
            return .response(.json(outcome.object, status: outcome.created ? .created : .ok))
        default:
            // Strategic merge patch and JSON patch included: the stand-in does not implement them.
            throw .unsupportedMediaType(request.contentType ?? "none")
        }
    }

    private func delete(_ request: HTTPRequest, _ target: RequestTarget, dryRun: Bool) async throws(FakeAPIError) -> RouteResult {
        var options = DeleteOptions()
        if !request.body.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            _ = try Self.jsonBody(request, accepting: ["application/json"])
            do {
                options = try KubernetesJSON.decoder().decode(DeleteOptions.self, from: Data(request.bodyBytes))
            } catch {
                throw .badRequest("the DeleteOptions body could not be decoded: \(error)")
            }
        }
        if let policy = request.query["propagationPolicy"] {
            guard let parsed = DeleteOptions.PropagationPolicy(rawValue: policy) else {
                throw .badRequest("invalid propagationPolicy: \(policy)")
            }
            options.propagationPolicy = parsed
        }
        let outcome = try await store.delete(target.resource, target.key, options: options, dryRun: dryRun)
        guard outcome.removed, !target.registration.deleteReturnsObject else {
            return .response(.json(outcome.object))
        }
        // Most kinds (custom resources included) answer a completed delete with a Status.
        let success: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
            "details": [
                "name": .string(target.key.name), "group": .string(target.registration.group),
                "kind": .string(target.registration.plural), "uid": .string(outcome.object.uid ?? ""),
            ],
        ]
        return .response(.json(success))
    }

    // MARK: Parameters

    private static func dryRun(_ query: [String: String]) throws(FakeAPIError) -> Bool {
        switch query["dryRun"] {
        case nil, "": return false
        case "All": return true
        case let other?: throw .badRequest("unsupported dryRun value: \(other) (only All)")
        }
    }

    /// The body parsed as JSON, after checking its media type (absent means JSON).
    private static func jsonBody(_ request: HTTPRequest, accepting mediaTypes: Set<String>) throws(FakeAPIError) -> JSONValue {
        if let contentType = request.contentType, !contentType.isEmpty, !mediaTypes.contains(contentType) {
            throw .unsupportedMediaType(contentType)
        }
        do {
            return try JSONValue(parsing: request.bodyBytes)
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
    }

    private static func filter(_ target: RequestTarget, _ query: [String: String]) throws(FakeAPIError) -> ObjectFilter {
        var filter = ObjectFilter(namespace: target.namespace, name: target.name)
        if let text = query["labelSelector"], !text.isEmpty {
            do {
                filter.labelSelector = try LabelSelector(parsing: text)
            } catch {
                throw .badRequest("unable to parse requirement: \(error)")
            }
        }
        if let text = query["fieldSelector"], !text.isEmpty {
            let allowed = Set(["metadata.name", "metadata.namespace"] + target.registration.selectableFields)
            filter.fieldSelector = try FieldSelector(parsing: text, allowedFields: allowed)
        }
        return filter
    }

    private static func watchRequest(_ target: RequestTarget, _ query: [String: String]) throws(FakeAPIError) -> WatchRequest {
        let resourceVersion = query["resourceVersion"]
        if let resourceVersion, !resourceVersion.isEmpty, Int64(resourceVersion).map({ $0 < 0 }) ?? true {
            throw .badRequest("invalid resource version: \(resourceVersion)")
        }
        // Capped at a day: a watch that long outlives any test, and the cap keeps the sleep's
        // deadline arithmetic far from overflow whatever a client sends.
        let timeout = try QueryFlags.integer(query["timeoutSeconds"], name: "timeoutSeconds").map { min($0, 86_400) }
        return WatchRequest(
            resource: target.resource, filter: try filter(target, query), resourceVersion: resourceVersion,
            allowBookmarks: QueryFlags.isTrue(query["allowWatchBookmarks"]),
            timeout: timeout.flatMap { $0 > 0 ? .seconds($0) : nil })
    }
}
