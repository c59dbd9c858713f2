import Acla

// The restore-options handle (include/acla.h, "Restoring 8-bit images"): tile, overlap,
// self-ensemble and the progress callback, in an opaque object so options can be added later
// without changing any signature.

/// The spec's progress callback: (user, done, total) -> non-zero to cancel.
public typealias ProgressFunction = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64) -> Int32

final class RestoreOptionsBox {
    var options = RestoreOptions()
    var progress: ProgressFunction?
    var user: UnsafeMutableRawPointer?

    /// A new handle registered in `restoreOptions`; `acla_restore_options_destroy` unregisters it.
    func retainedHandle() throws -> OpaquePointer { try restoreOptions.insert(self) }
}

/// Every live `acla_restore_options *` (HandleRegistry: a destroyed or garbage handle is an error).
let restoreOptions = HandleRegistry<RestoreOptionsBox>(.restoreOptions)

func restoreOptionsBox(_ p: OpaquePointer?, _ name: String = "options") throws -> RestoreOptionsBox {
    try restoreOptions.object(p, name)
}

@_cdecl("acla_restore_options_create")
public func acla_restore_options_create(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let out = try requireNonNull(out, "out")
        out.pointee = try RestoreOptionsBox().retainedHandle()
    }
}

@_cdecl("acla_restore_options_destroy")
public func acla_restore_options_destroy(_ options: OpaquePointer?) {
    // NULL, an already destroyed and a garbage handle are ignored (the function has no status)
    restoreOptions.remove(options)
}

@_cdecl("acla_restore_options_set_tile")
public func acla_restore_options_set_tile(_ options: OpaquePointer?, _ tile: Int32, _ overlap: Int32) -> Int32 {
    boundary {
        let box = try restoreOptionsBox(options)
        var o = box.options
        o.tile = Int(tile)
        o.overlap = Int(overlap)
        try o.validate()
        box.options = o
    }
}

@_cdecl("acla_restore_options_set_ensemble")
public func acla_restore_options_set_ensemble(_ options: OpaquePointer?, _ enabled: Int32) -> Int32 {
    boundary {
        let box = try restoreOptionsBox(options)
        guard enabled == 0 || enabled == 1 else {
            throw AclaError.invalidArgument("ensemble must be 0 (off) or 1 (on), got \(enabled)")
        }
        box.options.ensemble = enabled == 1
    }
}

@_cdecl("acla_restore_options_set_progress")
public func acla_restore_options_set_progress(_ options: OpaquePointer?, _ progress: ProgressFunction?,
                                              _ user: UnsafeMutableRawPointer?) -> Int32 {
    boundary {
        let box = try restoreOptionsBox(options)
        box.progress = progress
        box.user = progress == nil ? nil : user
    }
}

@_cdecl("acla_restore_options_get_tile")
public func acla_restore_options_get_tile(_ options: OpaquePointer?, _ tile: UnsafeMutablePointer<Int32>?,
                                          _ overlap: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let box = try restoreOptionsBox(options)
        let (t, o) = (try requireNonNull(tile, "tile"), try requireNonNull(overlap, "overlap"))
        // set_tile accepts only int32 values, so these conversions cannot fail
        t.pointee = Int32(clamping: box.options.tile)
        o.pointee = Int32(clamping: box.options.overlap)
    }
}
