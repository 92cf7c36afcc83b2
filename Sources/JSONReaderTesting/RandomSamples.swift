public import Foundation
public import KubernetesCore

/// Random values of the KubernetesCore types, for ``JSONReaderAgreement``: every optional field
/// present or absent, strings with quotes, backslashes, control characters and non-ASCII
/// text, integers at their limits.
public struct RandomSamples {
    public var random: SeededRandom

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    public mutating func chance(_ oneIn: Int) -> Bool {
        random.next(below: oneIn) == 0
    }

    public mutating func maybe<T>(_ make: (inout Self) -> T) -> T? {
        chance(2) ? make(&self) : nil
    }

    public mutating func string() -> String {
        let pieces = [
            "", "a", "web", "claim-1", "ipam.swift-ipam.io/release", "10.0.0.1", "2001:db8::1", "é", "日本語",
            "🦊", "q\"uote", "back\\slash", "line\nbreak", "\u{1}", "tab\t", "slash/", "\u{7f}", "x\u{2028}y",
        ]
        return (0..<random.next(below: 3)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
    }

    public mutating func strings() -> [String] {
        (0..<random.next(below: 4)).map { _ in string() }
    }

    public mutating func stringMap() -> [String: String] {
        Dictionary((0..<random.next(below: 4)).map { _ in (string(), string()) }, uniquingKeysWith: { $1 })
    }

    public mutating func integer<T: FixedWidthInteger>(_ type: T.Type = T.self) -> T {
        switch random.next(below: 5) {
        case 0: T.min
        case 1: T.max
        case 2: 0
        default: T(truncatingIfNeeded: random.next() >> random.next(below: 64))
        }
    }

    /// A date on a whole second, as `metav1.Time` carries it.
    public mutating func date() -> Date {
        Date(timeIntervalSince1970: Double(random.next(below: 4_000_000_000)))
    }

    public mutating func ownerReference() -> OwnerReference {
        OwnerReference(
            apiVersion: string(), kind: string(), name: string(), uid: string(),
            controller: maybe { $0.chance(2) }, blockOwnerDeletion: maybe { $0.chance(2) })
    }

    public mutating func objectMeta() -> ObjectMeta {
        ObjectMeta(
            name: maybe { $0.string() },
            generateName: maybe { $0.string() },
            namespace: maybe { $0.string() },
            uid: maybe { $0.string() },
            resourceVersion: maybe { $0.string() },
            generation: maybe { $0.integer() },
            creationTimestamp: maybe { $0.date() },
            deletionTimestamp: maybe { $0.date() },
            labels: maybe { $0.stringMap() },
            annotations: maybe { $0.stringMap() },
            ownerReferences: maybe { samples in (0..<samples.random.next(below: 3)).map { _ in samples.ownerReference() } },
            finalizers: maybe { $0.strings() })
    }

    public mutating func condition() -> Condition {
        Condition(
            type: string(), status: ConditionStatus.allCases[random.next(below: 3)],
            observedGeneration: maybe { $0.integer() }, lastTransitionTime: date(), reason: string(),
            message: string())
    }

    public mutating func conditions() -> [Condition] {
        (0..<random.next(below: 3)).map { _ in condition() }
    }

    public mutating func labelSelector() -> LabelSelector {
        let operators: [LabelSelectorRequirement.Operator] = [.in, .notIn, .exists, .doesNotExist, .other("Near")]
        return LabelSelector(
            matchLabels: maybe { $0.stringMap() },
            matchExpressions: maybe { samples in
                (0..<samples.random.next(below: 3)).map { _ in
                    LabelSelectorRequirement(
                        key: samples.string(), operator: operators[samples.random.next(below: operators.count)],
                        values: samples.maybe { $0.strings() })
                }
            })
    }
}
