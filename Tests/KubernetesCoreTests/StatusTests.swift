import KubernetesCore
import Testing

@Suite struct StatusTests {
    @Test func decodesAConflict() throws {
        let json = """
            {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
             "message": "Operation cannot be fulfilled on ipleases.ipam.swift-ipam.io \\"10.10.0.42\\": \
            the object has been modified; please apply your changes to the latest version and try again",
             "reason": "Conflict",
             "details": {"name": "10.10.0.42", "group": "ipam.swift-ipam.io", "kind": "ipleases"},
             "code": 409}
            """
        let status = try decode(Status.self, from: json)
        #expect(status.kind == "Status")
        #expect(status.metadata == ListMeta())
        #expect(status.status == "Failure")
        #expect(status.reason == .conflict)
        #expect(status.code == 409)
        #expect(status.details == Status.Details(name: "10.10.0.42", group: "ipam.swift-ipam.io", kind: "ipleases"))
        #expect(status.message?.hasPrefix("Operation cannot be fulfilled") == true)
    }

    @Test func decodesValidationCauses() throws {
        let json = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Invalid", "code": 422,
             "message": "IPPool.ipam.swift-ipam.io \\"blue\\" is invalid: spec.cidrs[0]: Invalid value: \\"10.10.0.0/33\\"",
             "details": {"name": "blue", "group": "ipam.swift-ipam.io", "kind": "IPPool",
               "causes": [{"reason": "FieldValueInvalid", "message": "Invalid value: \\"10.10.0.0/33\\"",
                           "field": "spec.cidrs[0]"}]}}
            """
        let status = try decode(Status.self, from: json)
        #expect(status.reason == .invalid)
        #expect(
            status.details?.causes == [
                Status.Cause(
                    reason: "FieldValueInvalid", message: "Invalid value: \"10.10.0.0/33\"", field: "spec.cidrs[0]")
            ])
    }

    @Test func decodesRetryAfterAndUnknownReasons() throws {
        let throttled = try decode(
            Status.self, from: #"{"reason": "TooManyRequests", "code": 429, "details": {"retryAfterSeconds": 3}}"#)
        #expect(throttled.reason == .tooManyRequests)
        #expect(throttled.details?.retryAfterSeconds == 3)
        let novel = try decode(Status.self, from: #"{"reason": "SomethingNew", "extra": true}"#)
        #expect(novel.reason == StatusReason(rawValue: "SomethingNew"))
        #expect(novel.code == nil)
    }

    @Test(arguments: [
        (StatusReason.notFound, "NotFound"), (.alreadyExists, "AlreadyExists"), (.conflict, "Conflict"),
        (.gone, "Gone"), (.expired, "Expired"), (.tooManyRequests, "TooManyRequests"), (.forbidden, "Forbidden"),
        (.unauthorized, "Unauthorized"), (.invalid, "Invalid"), (.unknown, ""), (.timeout, "Timeout"),
        (.serverTimeout, "ServerTimeout"), (.internalError, "InternalError"), (.badRequest, "BadRequest"),
        (.serviceUnavailable, "ServiceUnavailable"), (.methodNotAllowed, "MethodNotAllowed"),
        (.notAcceptable, "NotAcceptable"), (.requestEntityTooLarge, "RequestEntityTooLarge"),
        (.unsupportedMediaType, "UnsupportedMediaType"), (.storeReadError, "StoreReadError"),
    ])
    func wellKnownReasons(reason: StatusReason, spelling: String) {
        #expect(reason.rawValue == spelling)
    }

    @Test func encodesWithDefaultsAndOmitsNils() throws {
        let status = Status(status: "Failure", reason: .notFound, code: 404)
        #expect(
            try encodedJSON(status)
                == #"{"apiVersion":"v1","code":404,"kind":"Status","reason":"NotFound","status":"Failure"}"#)
    }
}
