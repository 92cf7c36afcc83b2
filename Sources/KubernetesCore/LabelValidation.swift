/// Syntax checks for label keys and values and for object names, exactly as Kubernetes'
/// `k8s.io/apimachinery/pkg/util/validation` performs them.
///
/// Each `…Problem` function returns `nil` for valid input, else a sentence saying what is wrong
/// (suitable for a condition message or CLI output); each `is…` function is its Boolean form.
/// Lengths are counted in UTF-8 bytes, like Go's `len`; all accepted characters are ASCII.
public enum LabelValidation {
    /// Maximum length of a label value, of a key's name part, and of a DNS-1123 label.
    public static let maximumNameLength = 63
    /// Maximum length of a DNS-1123 subdomain (and so of a label key's prefix).
    public static let maximumSubdomainLength = 253

    /// Whether `key` is a valid label or annotation key: an optional DNS-1123 subdomain prefix and
    /// `/`, then a name of 1–63 characters matching `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    public static func isValidLabelKey(_ key: String) -> Bool { labelKeyProblem(key) == nil }

    /// Whether `value` is a valid label value: empty, or up to 63 characters matching
    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    public static func isValidLabelValue(_ value: String) -> Bool { labelValueProblem(value) == nil }

    /// Whether `name` is a DNS-1123 subdomain (most object names): up to 253 characters,
    /// dot-separated labels of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`. Upper case is invalid.
    public static func isDNS1123Subdomain(_ name: String) -> Bool { dns1123SubdomainProblem(name) == nil }

    /// Whether `name` is a DNS-1123 label (namespace names, for example): up to 63 characters of
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
    public static func isDNS1123Label(_ name: String) -> Bool { dns1123LabelProblem(name) == nil }

    /// What is wrong with `key` as a label key, or `nil` when it is valid.
    public static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            return "label key \"\(key)\" must be a name with an optional DNS subdomain prefix and '/'"
        }
        if parts.count == 2 {
            let prefix = String(parts[0])
            if prefix.isEmpty { return "label key \"\(key)\" has an empty prefix before '/'" }
            if let problem = dns1123SubdomainProblem(prefix) {
                return "label key \"\(key)\" has an invalid prefix: \(problem)"
            }
        }
        let name = String(parts[parts.count - 1])
        if name.isEmpty { return "label key \"\(key)\" has an empty name part" }
        if let problem = qualifiedNameProblem(name) { return "label key \"\(key)\": name part \(problem)" }
        return nil
    }

    /// What is wrong with `value` as a label value, or `nil` when it is valid.
    public static func labelValueProblem(_ value: String) -> String? {
        guard !value.isEmpty, let problem = qualifiedNameProblem(value) else { return nil }
        return "label value \"\(value)\" \(problem)"
    }

    /// What is wrong with `name` as a DNS-1123 subdomain, or `nil` when it is valid.
    public static func dns1123SubdomainProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count > maximumSubdomainLength {
            return "\"\(name)\" must be no more than \(maximumSubdomainLength) characters"
        }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.allSatisfy({ isDNS1123LabelSyntax($0) }) else {
            return "\"\(name)\" must consist of lower case alphanumeric characters, '-' or '.', and must "
                + "start and end with an alphanumeric character (e.g. 'example.com')"
        }
        return nil
    }

    /// What is wrong with `name` as a DNS-1123 label, or `nil` when it is valid.
    public static func dns1123LabelProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count > maximumNameLength {
            return "\"\(name)\" must be no more than \(maximumNameLength) characters"
        }
        guard isDNS1123LabelSyntax(bytes[...]) else {
            return "\"\(name)\" must consist of lower case alphanumeric characters or '-', and must start "
                + "and end with an alphanumeric character (e.g. 'my-name')"
        }
        return nil
    }

    // The name part of a qualified name, and a non-empty label value.
    private static func qualifiedNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count > maximumNameLength {
            return "must be no more than \(maximumNameLength) characters"
        }
        let inner = Set("-_.".utf8)
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last),
            bytes.allSatisfy({ isAlphanumeric($0) || inner.contains($0) })
        else {
            return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                + "with an alphanumeric character"
        }
        return nil
    }

    private static func isDNS1123LabelSyntax(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        let isLowerAlphanumeric = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
