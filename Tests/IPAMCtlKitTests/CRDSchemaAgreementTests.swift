import Foundation
import IPAM
import IPAMModel
import KubernetesClientTestKit
import KubernetesCore
import Testing

/// The CRDs in crds/ and the Swift API types agree field by field, and the samples in
/// config/samples validate against the CRDs.
///
/// The CRDs are written by hand (there is no generator for Swift types), so nothing else keeps
/// them in step: a field the schema lacks is pruned by the API server without a word, a field
/// the Swift type lacks is dropped by the controller's next status write.
///
/// Not checked here: CEL rules (`x-kubernetes-validations`), which need a CEL interpreter; the
/// controller and `ipamctl validate` re-check everything they express.
@Suite struct CRDSchemaAgreementTests {
    /// Schema fields under `spec`/`status` that the Swift types deliberately do not model, each
    /// with why. Empty: the types model every field.
    static let notModelled: [APIKind: [String: String]] = [:]

    // MARK: 1. Swift → schema

    @Test(arguments: APIKind.allCases)
    func theMaximalValueValidatesAgainstTheSchema(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        let encoded = try kind.maximal(.typical)
        let violations = crd.schema.violations(of: encoded)
        #expect(violations.isEmpty, "\(kind) encodes what \(crd.fileName) does not admit:\n\(violations.lines)")
        #expect(encoded["apiVersion"] == .string("\(crd.group)/\(crd.storageVersionName)"))
        #expect(encoded["kind"] == .string(crd.kind))
    }

    /// Every integer at the top of its Swift type's range: a schema `format` narrower than the
    /// Swift type (int32 for an `Int64`) fails here. The other direction (a Swift type narrower
    /// than the format) fails to decode in ``aDocumentGeneratedFromTheSchemaDecodes(_:)``.
    @Test(arguments: APIKind.allCases)
    func integerFormatsAreAsWideAsTheSwiftTypes(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        var options = OpenAPISchema.ValidationOptions()
        options.checkBounds = false
        let violations = crd.schema.violations(of: try kind.maximal(.widest), options: options)
        #expect(violations.isEmpty, "\(kind) at its integer types' maxima vs \(crd.fileName):\n\(violations.lines)")
    }

    // MARK: 2. Schema → Swift

    @Test(arguments: APIKind.allCases)
    func everySchemaFieldIsProducedByTheSwiftType(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        let encoded = try kind.maximal(.typical)
        let allowed = Self.notModelled[kind] ?? [:]
        var declared: Set<String> = []
        for root in ["spec", "status"] {
            let steps: [SchemaStep] = [.property(root)]
            guard let node = crd.schema.node(at: steps) else {
                Issue.record("\(crd.fileName) declares no \(root)")
                continue
            }
            for path in [steps] + node.declaredPaths(under: steps) {
                let rendered = SchemaStep.render(path)
                declared.insert(rendered)
                guard allowed[rendered] == nil else { continue }
                #expect(
                    encoded.reaches(path[...]),
                    "\(crd.fileName) declares \(rendered), but the maximal \(kind) does not produce it (the Swift type drops it)")
            }
        }
        for stale in allowed.keys.sorted() where !declared.contains(stale) {
            Issue.record("notModelled lists \(stale) for \(kind), which \(crd.fileName) no longer declares")
        }
    }

    // MARK: 3. Decoding

    @Test(arguments: APIKind.allCases, OpenAPISchema.Extreme.allCases)
    func aDocumentGeneratedFromTheSchemaDecodes(_ kind: APIKind, _ extreme: OpenAPISchema.Extreme) throws {
        let crd = try CRD.load(kind)
        guard case .object(var document) = try crd.schema.example(extreme) else {
            Issue.record("the root schema of \(crd.fileName) is not an object")
            return
        }
        document["apiVersion"] = .string("\(crd.group)/\(crd.storageVersionName)")
        document["kind"] = .string(crd.kind)
        let generated = JSONValue.object(document)
        let selfCheck = crd.schema.violations(of: generated)
        #expect(selfCheck.isEmpty, "test bug: the generated \(kind) does not validate:\n\(selfCheck.lines)")

        let reencoded = try kind.roundTrip(try generated.jsonData())
        for root in ["apiVersion", "kind", "spec", "status"] {
            let differences = (generated[root] ?? .null).differences(from: reencoded[root] ?? .null, at: root)
            #expect(differences.isEmpty, "\(kind) decoded from its schema and encoded again (\(extreme)):\n\(differences.joined(separator: "\n"))")
        }
    }

    /// The Swift enumeration behind every `enum` of the schemas, by schema path.
    static let swiftEnums: [String: [String]] = [
        "spec.strategy": AllocationStrategy.allCases.map(\.rawValue),
        "spec.namespaceSelector.matchExpressions[*].operator": labelOperators,
        "spec.poolSelector.matchExpressions[*].operator": labelOperators,
        "spec.ipFamilies[*]": IPAddress.Family.allCases.map(\.rawValue),
        "status.conditions[*].status": ConditionStatus.allCases.map(\.rawValue),
    ]
    static let labelOperators = [LabelSelectorRequirement.Operator.in, .notIn, .exists, .doesNotExist].map(\.rawValue)

    @Test(arguments: APIKind.allCases)
    func schemaEnumsAreTheSwiftEnums(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        crd.schema.forEachNode { path, node in
            guard let values = node.enumValues else { return }
            let rendered = SchemaStep.render(path)
            guard let swift = Self.swiftEnums[rendered] else {
                Issue.record("\(crd.fileName) \(rendered): an enum with no Swift counterpart in swiftEnums")
                return
            }
            #expect(values == swift.map { .string($0) }, "\(crd.fileName) \(rendered): schema \(values), Swift \(swift)")
        }
    }

    /// What the API server fills in for an absent field is what the controller assumes for it.
    @Test func theSchemaDefaultsAreTheControllersDefaults() throws {
        var defaulted: [String] = []
        for kind in APIKind.allCases {
            let crd = try CRD.load(kind)
            crd.schema.forEachNode { path, node in
                if node.defaultValue != nil { defaulted.append("\(kind.rawValue) \(SchemaStep.render(path))") }
            }
        }
        let specDefaults = try CRD.load(.ipPool).schema.node(at: [.property("spec")])!.properties
            .compactMapValues(\.defaultValue)
        #expect(
            defaulted.sorted() == specDefaults.keys.map { "IPPool spec.\($0)" }.sorted(),
            "defaults outside IPPool's spec are not compared with Swift: \(defaulted)")

        let minimal = JSONValue.object([
            "apiVersion": .string(IPPool.apiVersion), "kind": .string(IPPool.kind),
            "metadata": .object(["name": .string("blue")]),
            "spec": .object(["cidrs": .array([.string("10.10.0.0/24")])]),
        ])
        guard case .object(var document) = minimal, case .object(var spec)? = document["spec"] else { return }
        spec.merge(specDefaults) { written, _ in written }
        document["spec"] = .object(spec)
        let decoder = KubernetesJSON.decoder()
        let absent = try PoolDefinition(validating: decoder.decode(IPPool.self, from: minimal.jsonData()))
        let filled = try PoolDefinition(validating: decoder.decode(IPPool.self, from: JSONValue.object(document).jsonData()))
        #expect(Set(specDefaults.keys) == ["strategy", "priority", "paused", "reuseCooldownSeconds"], "teach this test the new default")
        #expect(absent.strategy == filled.strategy)
        #expect(absent.priority == filled.priority)
        #expect(absent.paused == filled.paused)
        #expect(absent.reuseCooldownSeconds == filled.reuseCooldownSeconds)
        #expect(filled.reuseCooldownSeconds == IPAMAPI.defaultReuseCooldownSeconds)
    }

    // MARK: 4. Samples and CEL rules

    @Test func everySampleValidatesAgainstItsCRD() throws {
        let schemas = try Dictionary(uniqueKeysWithValues: APIKind.allCases.map { ($0.kind, try CRD.load($0)) })
        let directory = packageRoot.appendingPathComponent("config/samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var checked: [String: Int] = [:]
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for (index, document) in try JSONValue.documents(ofYAML: text).enumerated() {
                guard let kind = document.value["kind"]?.stringValue, let crd = schemas[kind] else { continue }
                let place = "config/samples/\(file) document \(index + 1) (line \(document.line + 1)), \(kind) \(document.value["metadata"]?["name"]?.stringValue ?? "<unnamed>")"
                let apiVersion = document.value["apiVersion"]?.stringValue ?? "<none>"
                #expect(apiVersion == "\(crd.group)/\(crd.storageVersionName)", "\(place): apiVersion \(apiVersion)")
                let violations = crd.schema.violations(of: document.value)
                #expect(violations.isEmpty, "\(place) does not validate against \(crd.fileName):\n\(violations.lines)")
                checked[kind, default: 0] += 1
            }
        }
        // Leases are written only by the controller, so the samples have none.
        #expect(checked[IPPool.kind, default: 0] > 0 && checked[IPClaim.kind, default: 0] > 0, "checked only \(checked)")
    }

    /// The CEL rules of each CRD, by the schema path they sit on. They cannot be evaluated here;
    /// this table makes adding or removing one a visible change.
    static let expectedRules: [APIKind: [String: Int]] = [
        .ipPool: [
            "<root>": 1,
            "spec.cidrs[*]": 2,
            "spec.exclude[*]": 1,
            "spec.gateways[*]": 1,
            "spec.namespaceSelector.matchExpressions[*]": 1,
        ],
        .ipClaim: [
            "spec": 4,
            "spec.poolSelector.matchExpressions[*]": 1,
            "spec.addresses[*]": 1,
        ],
        .ipLease: [
            "<root>": 1,
            "spec": 1,
            "spec.address": 1,
        ],
    ]

    @Test(arguments: APIKind.allCases)
    func celRulesAreCountedAndHaveMessagesAndEveryListIsBounded(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        var rules: [String: Int] = [:]
        crd.schema.forEachNode { path, node in
            let rendered = SchemaStep.render(path)
            if !node.validations.isEmpty { rules[rendered] = node.validations.count }
            for (index, rule) in node.validations.enumerated() {
                let place = "\(crd.fileName) \(rendered) rule \(index + 1)"
                #expect(!rule.rule.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(place): empty rule")
                let message = rule.message ?? ""
                #expect(!message.trimmingCharacters(in: .whitespaces).isEmpty, "\(place): no message")
                #expect(!message.contains("\n"), "\(place): the API server refuses a message with line breaks")
            }
            if node.type == "array" {
                #expect(node.maxItems != nil, "\(crd.fileName) \(rendered): a list without maxItems makes CEL cost unbounded")
            }
        }
        #expect(rules == Self.expectedRules[kind], "\(crd.fileName) has CEL rules \(rules.sorted(by: { $0.key < $1.key }))")
    }

    /// What the API server requires of a structural schema, and what `kubectl explain` needs.
    @Test(arguments: APIKind.allCases)
    func theSchemaIsStructuralAndDescribed(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        #expect(!(crd.schema.description ?? "").isEmpty, "\(crd.fileName): the root has no description")
        crd.schema.forEachNode { path, node in
            let rendered = SchemaStep.render(path)
            if node.type == nil && !node.intOrString && !node.preserveUnknownFields {
                Issue.record("\(crd.fileName) \(rendered): no type (not a structural schema)")
            }
            if !node.properties.isEmpty && node.additionalProperties != nil {
                Issue.record("\(crd.fileName) \(rendered): both properties and additionalProperties")
            }
            for key in node.required where node.properties[key] == nil {
                Issue.record("\(crd.fileName) \(rendered): requires \(key), which it does not declare")
            }
            if node.listType == "map", let items = node.items {
                #expect(!node.listMapKeys.isEmpty, "\(crd.fileName) \(rendered): a map list without list-map-keys")
                for key in node.listMapKeys where !items.required.contains(key) && items.properties[key]?.defaultValue == nil {
                    Issue.record("\(crd.fileName) \(rendered): list-map key \(key) is neither required nor defaulted")
                }
            }
            if let defaultValue = node.defaultValue {
                let violations = node.violations(of: defaultValue, at: rendered)
                #expect(violations.isEmpty, "\(crd.fileName) \(rendered): the default does not validate:\n\(violations.lines)")
            }
            if let first = path.first, first == .property("spec") || first == .property("status"), case .property? = path.last {
                #expect(!(node.description ?? "").isEmpty, "\(crd.fileName) \(rendered): no description (kubectl explain shows nothing)")
            }
        }
    }

    // MARK: 5. CRD metadata

    @Test(arguments: APIKind.allCases)
    func theCRDNamesAndScopeAreTheSwiftTypes(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        let document = crd.document
        let spec = document["spec"]
        let names = spec?["names"]
        let resource = kind.resource
        #expect(crd.fileName == "\(resource.group)_\(resource.plural).yaml")
        #expect(document["apiVersion"] == .string("apiextensions.k8s.io/v1"))
        #expect(document["kind"] == .string("CustomResourceDefinition"))
        #expect(document["metadata"]?["name"] == .string("\(resource.plural).\(resource.group)"))
        #expect(spec?["group"] == .string(resource.group))
        #expect(spec?["group"] == .string(IPAMAPI.group))
        #expect(spec?["scope"] == .string(resource.isNamespaced ? "Namespaced" : "Cluster"))
        #expect(names?["kind"] == .string(resource.kind))
        #expect(names?["listKind"] == .string(resource.kind + "List"))
        #expect(names?["plural"] == .string(resource.plural))
        #expect(names?["singular"] == .string(resource.kind.lowercased()))
        #expect(names?["shortNames"]?.arrayValue?.contains(.string(kind.shortName)) == true, "short names \(names?["shortNames"] ?? .null)")
        #expect(names?["categories"]?.arrayValue?.contains(.string("ipam")) == true, "categories \(names?["categories"] ?? .null)")

        let versions = spec?["versions"]?.arrayValue ?? []
        #expect(versions.count == 1, "\(crd.fileName) has \(versions.count) versions; this test checks one")
        let version = crd.version
        #expect(version["name"] == .string(resource.version))
        #expect(version["name"] == .string(IPAMAPI.version))
        #expect(version["served"] == .bool(true))
        #expect(version["storage"] == .bool(true))
        #expect(version["subresources"]?["status"] == .object([:]), "\(crd.fileName): no status subresource")
    }

    @Test(arguments: APIKind.allCases)
    func printerColumnsResolveToSchemaProperties(_ kind: APIKind) throws {
        let crd = try CRD.load(kind)
        let columns = crd.version["additionalPrinterColumns"]?.arrayValue ?? []
        #expect(!columns.isEmpty)
        for column in columns {
            let name = column["name"]?.stringValue ?? "<unnamed>"
            let type = column["type"]?.stringValue ?? "<none>"
            guard let jsonPath = column["jsonPath"]?.stringValue else {
                Issue.record("\(crd.fileName) column \(name): no jsonPath")
                continue
            }
            switch PrinterColumnPath.resolve(jsonPath, in: crd.schema) {
            case .failure(let problem):
                Issue.record("\(crd.fileName) column \(name) (\(jsonPath)): \(problem)")
            case .success(let target):
                #expect(target.admits(columnType: type), "\(crd.fileName) column \(name) (\(jsonPath)): type \(type) for a \(target)")
            }
        }
    }

    @Test func theCRDKustomizationListsEveryCRD() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("crds/kustomization.yaml"), encoding: .utf8)
        let resources = try JSONValue.documents(ofYAML: text).first?.value["resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(resources) == Set(APIKind.allCases.map { CRD.fileName($0) }))
    }
}

/// The walker itself: each kind of disagreement is reported, with its path. Without these, the
/// agreement tests above could pass by checking nothing.
@Suite struct CRDSchemaWalkerTests {
    /// The claim schema as JSON, to cut pieces out of.
    static func claimSchemaJSON() throws -> JSONValue {
        try #require(CRD.load(.ipClaim).version["schema"]?["openAPIV3Schema"])
    }

    /// `value` without the object key at the end of `keys`.
    static func removing(_ keys: ArraySlice<String>, from value: JSONValue) -> JSONValue {
        guard let key = keys.first, case .object(var object) = value else { return value }
        if keys.count == 1 {
            object[key] = nil
        } else if let child = object[key] {
            object[key] = removing(keys.dropFirst(), from: child)
        }
        return .object(object)
    }

    @Test func aFieldTheSchemaLacksIsNamedByItsPath() throws {
        let path = ["properties", "spec", "properties", "poolSelector", "properties", "matchExpressions", "items", "properties", "operator"]
        let schema = try OpenAPISchema(Self.removing(path[...], from: Self.claimSchemaJSON()))
        let violations = schema.violations(of: try APIKind.ipClaim.maximal(.typical))
        #expect(violations.map(\.path) == ["spec.poolSelector.matchExpressions[0].operator", "spec.poolSelector.matchExpressions[1].operator"])
        #expect(violations.allSatisfy { $0.message.contains("not in the schema") })
    }

    @Test func aFieldTheSwiftTypeDropsIsNotReached() throws {
        let encoded = try APIKind.ipClaim.maximal(.typical)
        let path: [SchemaStep] = [.property("status"), .property("addresses"), .anyItem, .property("gateway")]
        #expect(encoded.reaches(path[...]))
        guard case .array(let addresses)? = encoded["status"]?["addresses"] else { throw CRD.LoadError(description: "no addresses") }
        let stripped = addresses.map { Self.removing(["gateway"], from: $0) }
        guard case .object(var status)? = encoded["status"], case .object(var object) = encoded else { return }
        status["addresses"] = .array(stripped)
        object["status"] = .object(status)
        #expect(!JSONValue.object(object).reaches(path[...]))
        #expect(SchemaStep.render(path) == "status.addresses[*].gateway")
    }

    @Test func eachConstraintIsChecked() throws {
        let schema = try OpenAPISchema(
            JSONValue(json: Data(
                #"""
                {"type": "object", "required": ["name"], "properties": {
                  "name": {"type": "string", "maxLength": 4, "pattern": "^[a-z]+$"},
                  "count": {"type": "integer", "format": "int32", "minimum": 0},
                  "mode": {"type": "string", "enum": ["A", "B"]},
                  "at": {"type": "string", "format": "date-time"},
                  "list": {"type": "array", "maxItems": 1, "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                  "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                  "port": {"x-kubernetes-int-or-string": true},
                  "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                  "maybe": {"type": "boolean", "nullable": true}
                }}
                """#.utf8)))
        let value = try JSONValue(json: Data(
            #"""
            {"count": 3000000000, "mode": "C", "at": "2024-01-02 03:04:05", "list": ["x", "x"],
             "labels": {"a": 1}, "port": true, "free": {"anything": {"goes": 1}}, "maybe": null, "extra": 1}
            """#.utf8))
        let found = schema.violations(of: value).map(\.description)
        #expect(found == [
            "name: is required but missing",
            "at: \"2024-01-02 03:04:05\" is not an RFC 3339 date-time",
            "count: 3000000000 does not fit format int32",
            "extra: is not in the schema (the API server would prune it)",
            "labels.a: is integer 1, expected string",
            "list: has 2 items, more than maxItems 1",
            "list[1]: duplicates an earlier item of a list-type set list",
            "mode: \"C\" is not one of \"A\", \"B\"",
            "port: is boolean, expected an integer or a string",
        ])
        let named = schema.violations(of: .object(["name": .string("Abcde"), "count": .integer(-1)])).map(\.description)
        #expect(named == [
            "count: -1.0 is below minimum 0.0",
            "name: is 5 characters long, longer than maxLength 4",
            "name: \"Abcde\" does not match pattern ^[a-z]+$",
        ])
    }

    @Test func anUnknownKeywordIsRefusedNotSkipped() throws {
        let schema = try JSONValue(json: Data(#"{"type": "object", "properties": {"a": {"type": "string", "oneOf": []}}}"#.utf8))
        #expect(throws: SchemaParseError.self) { try OpenAPISchema(schema) }
    }
}

// MARK: - The kinds under test

/// IPPool, IPClaim and IPLease, with what the tests need of each.
enum APIKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ipPool = "IPPool"
    case ipClaim = "IPClaim"
    case ipLease = "IPLease"

    var testDescription: String { rawValue }

    var resource: any Resource.Type {
        switch self {
        case .ipPool: IPPool.self
        case .ipClaim: IPClaim.self
        case .ipLease: IPLease.self
        }
    }

    var kind: String { resource.kind }

    var shortName: String { rawValue.lowercased() }

    /// The integers a maximal value is built with.
    struct Numbers {
        var int32: Int32
        var int64: Int64
        var int: Int

        /// Values an object really holds.
        static let typical = Numbers(int32: 10, int64: 3, int: 24)
        /// Each Swift integer type at its maximum.
        static let widest = Numbers(int32: .max, int64: .max, int: .max)
    }

    /// A value with every optional field set, lists of two, both families, encoded as the
    /// controller sends it. (An IPClaim with both pool and poolSelector breaks a CEL rule; the
    /// structural schema, which is what is checked, admits it.)
    func maximal(_ n: Numbers) throws -> JSONValue {
        let selector = LabelSelector(
            matchLabels: ["tier": "web", "team": "blue"],
            matchExpressions: [
                LabelSelectorRequirement(key: "zone", operator: .in, values: ["a", "b"]),
                LabelSelectorRequirement(key: "env", operator: .notIn, values: ["dev", "test"]),
            ])
        func condition(_ type: String, _ status: ConditionStatus, _ reason: String) -> Condition {
            Condition(
                type: type, status: status, observedGeneration: n.int64, lastTransitionTime: t0,
                reason: reason, message: "\(type) is \(status.rawValue)")
        }
        let data: Data
        switch self {
        case .ipPool:
            data = try KubernetesJSON.encoder().encode(
                IPPool(
                    metadata: ObjectMeta(name: "blue", labels: ["tier": "web"]),
                    spec: IPPoolSpec(
                        cidrs: ["10.10.0.0/24", "fd00:10::/120"],
                        exclude: ["10.10.0.200-10.10.0.254", "fd00:10::40/122"],
                        gateways: ["10.10.0.1", "fd00:10::1"],
                        strategy: "Hashed",
                        namespaceSelector: selector,
                        priority: n.int32,
                        paused: true,
                        reuseCooldownSeconds: n.int64),
                    status: IPPoolStatus(
                        observedGeneration: n.int64,
                        ipv4: FamilyStatus(size: "199", allocated: n.int64, cooling: n.int64, free: "193"),
                        ipv6: FamilyStatus(size: "190", allocated: n.int64, cooling: n.int64, free: "184"),
                        conditions: [
                            condition(IPAMAPI.ConditionType.ready, .true, IPAMAPI.Reason.valid),
                            condition(IPAMAPI.ConditionType.exhausted, .false, IPAMAPI.Reason.hasFreeAddresses),
                        ])))
        case .ipClaim:
            data = try KubernetesJSON.encoder().encode(
                IPClaim(
                    metadata: ObjectMeta(name: "web-0", namespace: "shop"),
                    spec: IPClaimSpec(
                        pool: "blue", poolSelector: selector, ipFamilies: ["IPv6", "IPv4"],
                        addresses: ["fd00:10::2", "10.10.0.42"]),
                    status: IPClaimStatus(
                        observedGeneration: n.int64,
                        pool: "blue",
                        addresses: [
                            ClaimAddress(address: "fd00:10::2", prefixLength: n.int, gateway: "fd00:10::1"),
                            ClaimAddress(address: "10.10.0.42", prefixLength: n.int, gateway: "10.10.0.1"),
                        ],
                        conditions: [
                            condition(IPAMAPI.ConditionType.bound, .true, IPAMAPI.Reason.bound),
                            condition(IPAMAPI.ConditionType.ready, .true, IPAMAPI.Reason.bound),
                        ])))
        case .ipLease:
            data = try KubernetesJSON.encoder().encode(
                IPLease(
                    metadata: ObjectMeta(name: "10.10.0.42", labels: [IPAMAPI.poolLabel: "blue"]),
                    spec: IPLeaseSpec(
                        address: "10.10.0.42", pool: "blue",
                        claimRef: ClaimReference(namespace: "shop", name: "web-0", uid: "6f0e2b1c-0d7a-4d57-9a39-6f3c1f0b2a11")),
                    status: IPLeaseStatus(releasedAt: t0)))
        }
        return try JSONValue(json: data)
    }

    /// Decodes `data` as this kind and encodes it again.
    func roundTrip(_ data: Data) throws -> JSONValue {
        func roundTrip<R: Resource>(_ type: R.Type) throws -> JSONValue {
            try JSONValue(json: try KubernetesJSON.encoder().encode(try KubernetesJSON.decoder().decode(type, from: data)))
        }
        return switch self {
        case .ipPool: try roundTrip(IPPool.self)
        case .ipClaim: try roundTrip(IPClaim.self)
        case .ipLease: try roundTrip(IPLease.self)
        }
    }
}

// MARK: - CRD files

/// One CRD file of crds/, with its storage version's schema.
struct CRD {
    let fileName: String
    let document: JSONValue
    let version: JSONValue
    let schema: OpenAPISchema

    var group: String { document["spec"]?["group"]?.stringValue ?? "" }
    var kind: String { document["spec"]?["names"]?["kind"]?.stringValue ?? "" }
    var storageVersionName: String { version["name"]?.stringValue ?? "" }

    static func fileName(_ kind: APIKind) -> String { "\(kind.resource.group)_\(kind.resource.plural).yaml" }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    static func load(_ kind: APIKind) throws -> CRD {
        let fileName = fileName(kind)
        let text = try String(contentsOf: packageRoot.appendingPathComponent("crds/\(fileName)"), encoding: .utf8)
        let documents = try JSONValue.documents(ofYAML: text)
        guard documents.count == 1, let document = documents.first?.value else {
            throw LoadError(description: "\(fileName) holds \(documents.count) documents, expected one CRD")
        }
        let storage = (document["spec"]?["versions"]?.arrayValue ?? []).filter { $0["storage"] == .bool(true) }
        guard storage.count == 1, let version = storage.first else {
            throw LoadError(description: "\(fileName) has \(storage.count) storage versions, expected one")
        }
        guard let schema = version["schema"]?["openAPIV3Schema"] else {
            throw LoadError(description: "\(fileName): the storage version has no openAPIV3Schema")
        }
        return CRD(fileName: fileName, document: document, version: version, schema: try OpenAPISchema(schema))
    }
}

// MARK: - Printer columns

/// A printer column's `jsonPath` (the subset of kubectl's JSONPath that columns use:
/// `.a.b`, `[*]`, `[0]`, `[?(@.field=="value")]`) resolved against a schema.
enum PrinterColumnPath {
    /// What a column path ends on.
    enum Target: CustomStringConvertible {
        case schema(OpenAPISchema)
        /// A field of ObjectMeta, which the API server owns: its timestamps are dates.
        case objectMeta(String)

        func admits(columnType: String) -> Bool {
            switch (self, columnType) {
            case (_, "string"): true
            case (.objectMeta(let field), "date"): field.hasSuffix("Timestamp")
            case (.objectMeta(let field), "integer"): field == "generation"
            case (.schema(let node), "date"): node.type == "string" && node.format == "date-time"
            case (.schema(let node), "integer"): node.type == "integer"
            case (.schema(let node), "number"): node.type == "integer" || node.type == "number"
            case (.schema(let node), "boolean"): node.type == "boolean"
            default: false
            }
        }

        var description: String {
            switch self {
            case .schema(let node): "\(node.type ?? "untyped")\(node.format.map { " (\($0))" } ?? "") field"
            case .objectMeta(let field): "metadata.\(field)"
            }
        }
    }

    private static let objectMetaFields: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "labels", "annotations",
    ]

    static func resolve(_ path: String, in root: OpenAPISchema) -> Result<Target, Problem> {
        struct Token { var name: String?; var bracket: String? }
        var tokens: [Token] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return .failure(Problem("empty name at \"\(rest)\"")) }
                tokens.append(Token(name: String(name)))
                rest = rest.dropFirst(name.count)
            } else if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return .failure(Problem("unclosed [")) }
                tokens.append(Token(bracket: String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                return .failure(Problem("unexpected \"\(rest)\""))
            }
        }
        var node = root
        var walked = ""
        for (index, token) in tokens.enumerated() {
            if let name = token.name {
                if walked == "metadata", node.properties[name] == nil {
                    guard objectMetaFields.contains(name), index == tokens.count - 1 else {
                        return .failure(Problem("metadata.\(name) is not an ObjectMeta field columns can show"))
                    }
                    return .success(.objectMeta(name))
                }
                guard node.type == "object", let child = node.properties[name] else {
                    return .failure(Problem("\(walked.isEmpty ? "the root" : walked) has no property \(name)"))
                }
                node = child
                walked += walked.isEmpty ? name : ".\(name)"
            } else if let bracket = token.bracket {
                guard node.type == "array", let items = node.items else {
                    return .failure(Problem("\(walked) is not a list, so [\(bracket)] selects nothing"))
                }
                if bracket.hasPrefix("?(@.") {
                    let field = bracket.dropFirst(4).prefix { $0.isLetter || $0.isNumber }
                    guard items.properties[String(field)] != nil else {
                        return .failure(Problem("the filter [\(bracket)] reads \(field), which the items of \(walked) do not declare"))
                    }
                } else if bracket != "*" && Int(bracket) == nil {
                    return .failure(Problem("unsupported selector [\(bracket)]"))
                }
                node = items
                walked += "[\(bracket)]"
            }
        }
        return .success(.schema(node))
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension [SchemaViolation] {
    /// One violation a line, for expectation messages.
    fileprivate var lines: String { map(\.description).joined(separator: "\n") }
}
