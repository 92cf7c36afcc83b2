import NIOHTTP1

/// From an HTTP request to a target: authentication, path resolution, verb, faults, logging.
extension FakeAPIServer {
    func route(_ request: HTTPRequest, certificateUser: String?) async -> RouteResult {
        var record = RecordedRequest(
            method: request.method.rawValue, path: request.path ?? request.head.uri, query: request.query,
            contentType: request.contentType)
        let outcome = authenticator.authenticate(
            authorization: request.head.headers.first(name: "authorization"), certificateUser: certificateUser)
        guard case .authenticated(let user) = outcome else {
            return finish(&record, .response(.error(.unauthorized())))
        }
        record.user = user

        let result: RouteResult
        do throws(FakeAPIError) {
            let target = try await resolve(request, record: &record)
            if let delay = faults.latency(for: record) {
                try? await Task.sleep(for: delay)
            }
            if let failure = faults.takeFailure(for: record) {
                throw failure.error
            }
            guard !request.isBodyTooLarge else { throw .tooLarge() }
            result = try await handle(request, target)
        } catch {
            result = .response(.error(error))
        }
        return finish(&record, result)
    }

    private func finish(_ record: inout RecordedRequest, _ result: RouteResult) -> RouteResult {
        switch result {
        case .response(let response): record.statusCode = Int(response.status.code)
        case .watch: record.statusCode = 200
        }
        requestLog.append(record)
        logger.debug(
            "request", metadata: ["method": "\(record.method)", "path": "\(record.path)", "status": "\(record.statusCode)"])
        return result
    }

    /// Finds the registered resource the path names and the verb; fills the record's resource fields.
    private func resolve(_ request: HTTPRequest, record: inout RecordedRequest) async throws(FakeAPIError) -> RequestTarget {
        guard let path = request.path else { throw .badRequest("the request path is not valid percent-encoding") }
        for reading in APIPath.interpretations(of: path) {
            guard
                let registration = await store.registration(
                    group: reading.group, version: reading.version, plural: reading.plural),
                reading.namespace == nil || registration.isNamespaced
            else { continue }
            record.resource = reading.plural
            record.namespace = reading.namespace
            record.name = reading.name
            record.subresource = reading.subresource
            // A namespaced kind's objects have no cluster-wide path, only its collection.
            if registration.isNamespaced, reading.namespace == nil, reading.name != nil {
                throw .resourceNotFound()
            }
            if let subresource = reading.subresource, subresource != "status" || !registration.hasStatusSubresource {
                throw .resourceNotFound()
            }
            let verb = try Self.verb(
                for: request, hasName: reading.name != nil, hasSubresource: reading.subresource != nil,
                isAllNamespaces: registration.isNamespaced && reading.namespace == nil)
            record.verb = verb
            return RequestTarget(
                registration: registration, namespace: reading.namespace, name: reading.name,
                subresource: reading.subresource, verb: verb)
        }
        throw .resourceNotFound()
    }

    private static func verb(
        for request: HTTPRequest, hasName: Bool, hasSubresource: Bool, isAllNamespaces: Bool
    ) throws(FakeAPIError) -> APIVerb {
        let method = request.method
        switch method {
        case .GET:
            if QueryFlags.isTrue(request.query["watch"]) {
                guard !hasSubresource else { throw .methodNotAllowed(method.rawValue) }
                return .watch
            }
            return hasName ? .get : .list
        case .POST where !hasName && !isAllNamespaces:
            return .create
        case .PUT where hasName:
            return .update
        case .PATCH where hasName:
            return .patch
        case .DELETE where hasName && !hasSubresource:
            return .delete
        case .DELETE where !hasName && !isAllNamespaces:
            return .deleteCollection
        default:
            throw .methodNotAllowed(method.rawValue)
        }
    }
}
