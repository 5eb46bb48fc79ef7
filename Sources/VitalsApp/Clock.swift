import Foundation
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

extension Timestamp {
    /// The current instant from the system clock: the default clock of the server and the commands (VitalsCore never
    /// reads a clock; services take theirs injected).
    public static var now: Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
