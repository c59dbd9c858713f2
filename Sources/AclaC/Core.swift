import Acla

@_cdecl("acla_version_string")
public func acla_version_string() -> UnsafePointer<CChar> {
    UnsafeRawPointer(Version.text.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("acla_version_number")
public func acla_version_number() -> UInt32 { Version.number }

@_cdecl("acla_status_string")
public func acla_status_string(_ status: Int32) -> UnsafePointer<CChar> { StatusText.pointer(status) }

@_cdecl("acla_last_error_message")
public func acla_last_error_message() -> UnsafePointer<CChar> { LastError.pointer }

@_cdecl("acla_set_num_threads")
public func acla_set_num_threads(_ n: Int32) -> Int32 {
    boundary { try Threads.set(n) }
}

@_cdecl("acla_get_num_threads")
public func acla_get_num_threads() -> Int32 { Threads.count }

@_cdecl("acla_get_max_threads")
public func acla_get_max_threads() -> Int32 { Threads.maximum }
