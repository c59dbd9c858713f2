/// Status codes of the C interface (C-API.md section 3); the raw values are pinned forever.
public enum AclaStatus: Int32, Sendable {
    case ok = 0
    case invalidArgument = 1
    case shape = 2
    case io = 3
    case format = 4
    case unsupported = 5
    case outOfMemory = 6
    case cancelled = 7
    case state = 8
    case `internal` = 9
}

/// Every failure in the library: a status for the C boundary and a sentence naming the value.
public struct AclaError: Error, CustomStringConvertible, Sendable {
    public let status: AclaStatus
    public let message: String

    public init(_ status: AclaStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    public static func invalidArgument(_ m: String) -> AclaError { AclaError(.invalidArgument, m) }
    public static func shape(_ m: String) -> AclaError { AclaError(.shape, m) }
    public static func io(_ m: String) -> AclaError { AclaError(.io, m) }
    public static func format(_ m: String) -> AclaError { AclaError(.format, m) }
    public static func unsupported(_ m: String) -> AclaError { AclaError(.unsupported, m) }
    public static func outOfMemory(_ m: String) -> AclaError { AclaError(.outOfMemory, m) }
    public static func cancelled(_ m: String = "cancelled by the progress callback") -> AclaError { AclaError(.cancelled, m) }
    public static func state(_ m: String) -> AclaError { AclaError(.state, m) }
    public static func `internal`(_ m: String) -> AclaError { AclaError(.internal, m) }
}

extension AclaError {
    /// Caller text quoted in a message, shortened when long: a 10 MB key or number must not push
    /// the rest of the sentence past the C message buffer (2 KB).
    public static func excerpt(_ text: String, limit: Int = 80) -> String {
        guard text.utf8.count > limit else { return text }
        return String(text.prefix(limit)) + "... (\(text.utf8.count) bytes)"
    }
}
