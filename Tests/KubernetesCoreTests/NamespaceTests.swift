import KubernetesCore
import Testing

@Suite struct NamespaceTests {
    @Test func staticTypeInformation() {
        #expect(Namespace.apiVersion == "v1")
        #expect(Namespace.kind == "Namespace")
        #expect(Namespace.plural == "namespaces")
        #expect(!Namespace.isNamespaced)
    }

    @Test func decodesLabelsAndPhase() throws {
        let json = """
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": "shop", "labels": {"kubernetes.io/metadata.name": "shop", "team": "web"},
                          "deletionTimestamp": "2024-01-02T03:04:05Z"},
             "spec": {"finalizers": ["kubernetes"]},
             "status": {"phase": "Terminating", "conditions": []}}
            """
        let namespace = try decode(Namespace.self, from: json)
        #expect(namespace.metadata.labels?["team"] == "web")
        #expect(namespace.status?.phase == .terminating)
        #expect(
            try encodedJSON(namespace)
                == """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"deletionTimestamp":"2024-01-02T03:04:05Z",\
                "labels":{"kubernetes.io/metadata.name":"shop","team":"web"},"name":"shop"},\
                "status":{"phase":"Terminating"}}
                """)
    }
}
