import Acla

/// Runs the body of an exported function: Swift errors become a status and the thread-local
/// message; nothing thrown ever crosses into C.
@inline(__always)
func boundary(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        LastError.set("")
        return AclaStatus.ok.rawValue
    } catch let error as AclaError {
        LastError.set(cText(error.message))
        return error.status.rawValue
    } catch {
        LastError.set(cText("internal error: \(error)"))
        return AclaStatus.internal.rawValue
    }
}

/// A message as C text: a NUL inside it (from a caller's JSON key, say) would end the C string
/// early and cut off what the message says, so it is shown as \0.
func cText(_ message: String) -> String {
    guard message.utf8.contains(0) else { return message }
    var out = ""
    for scalar in message.unicodeScalars {
        if scalar == "\0" { out += "\\0" } else { out.unicodeScalars.append(scalar) }
    }
    return out
}

func requireNonNull<T>(_ p: T?, _ name: String) throws -> T {
    guard let p else { throw AclaError.invalidArgument("\(name) is NULL") }
    return p
}

/// A C string argument as Swift text; NULL and invalid UTF-8 are named errors.
func string(_ p: UnsafePointer<CChar>?, _ name: String) throws -> String {
    let p = try requireNonNull(p, name)
    guard let s = String(validatingCString: p) else {
        throw AclaError.invalidArgument("\(name) is not valid UTF-8")
    }
    return s
}
