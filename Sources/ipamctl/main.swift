import Foundation
import IPAMCtlKit

exit(await IPAMCtl.execute(Array(CommandLine.arguments.dropFirst())))
