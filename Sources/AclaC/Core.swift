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

@_cdecl("acla_set_memory_limit")
public func acla_set_memory_limit(_ bytes: UInt64) -> Int32 {
    boundary {
        guard bytes <= UInt64(Int64.max) else {
            throw AclaError.invalidArgument("memory limit must be at most \(Int64.max) bytes (0 = physical memory), got \(bytes)")
        }
        try MemoryLimit.set(Int(bytes))
    }
}

@_cdecl("acla_get_memory_limit")
public func acla_get_memory_limit() -> UInt64 { UInt64(MemoryLimit.bytes) }
