import Foundation

/// Where `ipamctl` writes: standard output and standard error, replaceable for one task tree
/// (tests capture what a command prints with ``Terminal/$current``).
public struct Terminal: Sendable {
    /// Writes to standard output, exactly the text given.
    public var output: @Sendable (String) -> Void
    /// Writes to standard error, exactly the text given.
    public var error: @Sendable (String) -> Void

    public init(output: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.output = output
        self.error = error
    }

    /// The process's standard output and error.
    public static let standard = Terminal(
        output: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        error: { text in FileHandle.standardError.write(Data(text.utf8)) })

    /// The terminal of the current task.
    @TaskLocal public static var current: Terminal = .standard

    /// Writes `text` and a newline to standard output of the current terminal.
    static func print(_ text: String) { current.output(text.hasSuffix("\n") ? text : text + "\n") }

    /// Writes `text` and a newline to standard error of the current terminal.
    static func printError(_ text: String) { current.error(text.hasSuffix("\n") ? text : text + "\n") }
}

/// A failure of a cluster command, printed as `Error: MESSAGE` with exit code 1.
///
/// Messages name the object (`IPLease 10.10.0.5`), the file and the field where one is at fault.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
