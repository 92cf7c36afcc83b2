/// The Kubernetes verb of a request (as RBAC and audit logs name it), derived from the HTTP
/// method and whether the path names one object or a collection.
public enum APIVerb: String, Sendable, Hashable, CaseIterable {
    case get, list, watch, create, update, patch, delete, deleteCollection = "deletecollection"
}
