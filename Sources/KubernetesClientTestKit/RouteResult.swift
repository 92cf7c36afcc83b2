/// What the router decided: a complete answer, or a watch to stream.
enum RouteResult: Sendable {
    case response(HTTPResponse)
    case watch(WatchRequest)
}
