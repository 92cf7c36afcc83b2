import KubernetesCore
import Testing

@Suite struct ResourceListTests {
    @Test func decodesAPageOfAList() throws {
        let json = """
            {
              "kind": "PodList", "apiVersion": "v1",
              "metadata": {"resourceVersion": "98765", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "remainingItemCount": 42},
              "items": [
                {"metadata": {"name": "a", "namespace": "shop"}, "spec": {"containers": []}},
                {"metadata": {"name": "b", "namespace": "shop"}}
              ]
            }
            """
        let list = try decode(ResourceList<Pod>.self, from: json)
        #expect(list.kind == "PodList")
        #expect(list.apiVersion == "v1")
        #expect(
            list.metadata
                == ListMeta(
                    resourceVersion: "98765", continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", remainingItemCount: 42))
        #expect(list.items.map(\.metadata.name) == ["a", "b"])
    }

    @Test(arguments: [
        #"{"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}, "items": null}"#,
        #"{"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}}"#,
        #"{"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}, "items": []}"#,
    ])
    func emptyListsDecodeAsEmpty(json: String) throws {
        let list = try decode(ResourceList<Pod>.self, from: json)
        #expect(list.items.isEmpty)
        #expect(list.metadata.resourceVersion == "7")
    }

    @Test func missingMetadataIsEmpty() throws {
        let list = try decode(ResourceList<Pod>.self, from: #"{"items": []}"#)
        #expect(list.metadata == ListMeta())
    }

    @Test func oneBadItemFailsTheList() {
        #expect(throws: DecodingError.self) {
            try decode(ResourceList<Pod>.self, from: #"{"items": [{"metadata": {"name": 7}}]}"#)
        }
    }

    @Test func encodesWithListTypeMeta() throws {
        let list = ResourceList(
            metadata: ListMeta(resourceVersion: "5"), items: [Pod(metadata: ObjectMeta(name: "a"))])
        let expected = """
            {"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}],\
            "kind":"PodList","metadata":{"resourceVersion":"5"}}
            """
        #expect(try encodedJSON(list) == expected)
        #expect(try decode(ResourceList<Pod>.self, from: encodedJSON(list)) == list)
    }
}
