import Foundation
import IPAMControllerCommand

// Environment variables IPAM_* stand for flags; the command line wins (last occurrence).
let arguments = ControllerCommand.arguments(fromEnvironment: ProcessInfo.processInfo.environment)
    + CommandLine.arguments.dropFirst()
do {
    let command = try ControllerCommand.parse(Array(arguments))
    try await command.run()
} catch {
    ControllerCommand.exit(withError: error)
}
