import KubernetesCore

/// The checks the API server makes on every written object, before any kind-specific
/// validation (which the stand-in does not have: see ``FakeAPIServer``'s gaps).
enum ObjectValidation {
    /// The body as an object whose `apiVersion` and `kind`, when present, are the registration's;
    /// missing ones are filled in, as the API server defaults them from the URL.
    ///
    /// A body that is not an object is a decoding error for the real server: 400, not 422.
    static func checkedObject(_ body: JSONValue, for registration: ResourceRegistration) throws(FakeAPIError) -> JSONValue {
        guard case .object = body else {
            throw .badRequest("the request body is not a JSON object")
        }
        var object = body
        if let apiVersion = body["apiVersion"], apiVersion != .string(registration.apiVersion) {
            throw .badRequest(
                "the API version in the data (\(FieldSelector.text(of: apiVersion))) does not match the expected API version (\(registration.apiVersion))"
            )
        }
        if let kind = body["kind"], kind != .string(registration.kind) {
            throw .badRequest(
                "the kind in the data (\(FieldSelector.text(of: kind))) does not match the expected kind (\(registration.kind))")
        }
        if let metadata = body["metadata"], metadata.objectValue == nil {
            throw .badRequest("metadata must be a JSON object")
        }
        object["apiVersion"] = .string(registration.apiVersion)
        object["kind"] = .string(registration.kind)
        return object
    }

    /// Problems with the name and the label/annotation maps, as `metav1.Status` causes.
    static func metadataProblems(_ object: JSONValue, registration: ResourceRegistration) -> [Status.Cause] {
        var causes: [Status.Cause] = []
        let metadata = object.metadata
        let name = object.name
        // Namespaces (and namespace names) are DNS labels; other kinds' names DNS subdomains.
        let nameProblem =
            registration.key == ResourceRegistration.namespaces.key
            ? LabelValidation.dns1123LabelProblem(name) : LabelValidation.dns1123SubdomainProblem(name)
        if let nameProblem {
            causes.append(Status.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \(nameProblem)", field: "metadata.name"))
        }
        if registration.isNamespaced, let problem = LabelValidation.dns1123LabelProblem(object.namespace) {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid", message: "Invalid value: \"\(object.namespace)\": \(problem)",
                    field: "metadata.namespace"))
        }
        for field in ["labels", "annotations"] {
            guard let value = metadata[field], value != .null else { continue }
            guard let members = value.objectValue else {
                causes.append(Status.Cause(reason: "FieldValueInvalid", message: "must be a map of strings", field: "metadata.\(field)"))
                continue
            }
            for key in members.keys.sorted() {
                if let problem = LabelValidation.labelKeyProblem(key) {
                    causes.append(Status.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(key)\": \(problem)", field: "metadata.\(field)"))
                }
                guard let text = members[key]?.stringValue else {
                    causes.append(Status.Cause(reason: "FieldValueInvalid", message: "must be a string", field: "metadata.\(field).\(key)"))
                    continue
                }
                if field == "labels", let problem = LabelValidation.labelValueProblem(text) {
                    causes.append(Status.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(text)\": \(problem)", field: "metadata.labels"))
                }
            }
        }
        if let finalizers = metadata["finalizers"], finalizers != .null {
            if finalizers.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
                causes.append(Status.Cause(reason: "FieldValueInvalid", message: "must be a list of strings", field: "metadata.finalizers"))
            }
        }
        if let owners = metadata["ownerReferences"], owners != .null {
            let valid = owners.arrayValue?.allSatisfy { reference in
                ["apiVersion", "kind", "name", "uid"].allSatisfy { !(reference[$0]?.stringValue ?? "").isEmpty }
            }
            if valid != true {
                causes.append(Status.Cause(reason: "FieldValueRequired", message: "each owner reference needs apiVersion, kind, name and uid", field: "metadata.ownerReferences"))
            }
        }
        return causes
    }

    /// A name for `generateName`: the prefix and five characters from the API server's alphabet
    /// (no vowels, no look-alikes).
    static func generatedName(prefix: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<5).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        // The API server truncates the prefix so that the result stays within 63 characters.
        return String(prefix.prefix(58)) + suffix
    }
}
