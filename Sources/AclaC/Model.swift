import Acla

// The model functions of C-API.md section 3 (create, load, save, destroy, config, sizes).

/// Flags of `acla_model_load_ex` (the values of ACLA_LOAD_* in acla.h).
private let knownLoadFlags = CheckpointLoadOptions.all.rawValue

@_cdecl("acla_model_create")
public func acla_model_create(_ configJSON: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let out = try requireNonNull(out, "out")
        let config = try parseConfig(string(configJSON, "config_json"), what: "config_json")
        out.pointee = try ModelBox(try Network(config: config)).retainedHandle()
    }
}

/// ModelConfig.parse, with a hint when the text that failed to parse looks like a file path
/// (a common mistake: the functions take JSON text, not a file name).
func parseConfig(_ text: String, what: String) throws -> ModelConfig {
    do {
        return try ModelConfig.parse(text)
    } catch let error as AclaError where error.status == .format {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let looksLikePath = !trimmed.hasPrefix("{") && !trimmed.hasPrefix("[") && !trimmed.hasPrefix("\"")
            && (trimmed.hasSuffix(".json") || trimmed.contains(where: { $0 == "/" })) && !trimmed.contains(where: { $0 == "\n" })
        guard looksLikePath else { throw error }
        throw AclaError.format("\(error.message); \(what) must be JSON text, and \"\(AclaError.excerpt(String(trimmed), limit: 200))\" looks like a file path: read the file and pass its text")
    }
}

@_cdecl("acla_model_load")
public func acla_model_load(_ path: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    acla_model_load_ex(path, configJSON, 0, out)
}

@_cdecl("acla_model_load_ex")
public func acla_model_load_ex(_ path: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?, _ flags: UInt32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let out = try requireNonNull(out, "out")
        let path = try string(path, "path")
        guard flags & ~knownLoadFlags == 0 else {
            throw AclaError.invalidArgument("unknown load flags 0x\(String(flags & ~knownLoadFlags, radix: 16))")
        }
        let config = try configJSON.map { try parseConfig(string($0, "config_json"), what: "config_json") }
        let network = try Network.load(path: path, config: config, options: CheckpointLoadOptions(rawValue: flags))
        out.pointee = try ModelBox(network).retainedHandle()
    }
}

@_cdecl("acla_model_save")
public func acla_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    boundary { try modelBox(model).network.save(to: string(path, "path")) }
}

@_cdecl("acla_model_destroy")
public func acla_model_destroy(_ model: OpaquePointer?) {
    // NULL, an already destroyed and a garbage handle are ignored (the function has no status)
    models.remove(model)
}

@_cdecl("acla_model_config")
public func acla_model_config(_ model: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ cap: UInt,
                              _ needed: UnsafeMutablePointer<UInt>?) -> Int32 {
    boundary {
        try copyString(modelBox(model).network.config.json, to: buf, capacity: cap, needed: needed, what: "model config")
    }
}

@_cdecl("acla_model_parameter_count")
public func acla_model_parameter_count(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    boundary {
        let box = try modelBox(model)
        try requireNonNull(out, "out").pointee = UInt64(box.network.parameterCount)
    }
}

@_cdecl("acla_model_macs")
public func acla_model_macs(_ model: OpaquePointer?, _ height: Int32, _ width: Int32, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    boundary {
        let box = try modelBox(model)
        let out = try requireNonNull(out, "out")
        out.pointee = try box.network.macs(height: Int(height), width: Int(width))
    }
}

@_cdecl("acla_model_output_size")
public func acla_model_output_size(_ model: OpaquePointer?, _ height: Int32, _ width: Int32,
                                   _ outChannels: UnsafeMutablePointer<Int32>?, _ outHeight: UnsafeMutablePointer<Int32>?,
                                   _ outWidth: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let box = try modelBox(model)
        let (pc, ph, pw) = (try requireNonNull(outChannels, "out_channels"), try requireNonNull(outHeight, "out_height"),
                            try requireNonNull(outWidth, "out_width"))
        let size = try box.network.outputSize(height: Int(height), width: Int(width))
        // outputSize guarantees every value fits in int32
        pc.pointee = Int32(size.channels)
        ph.pointee = Int32(size.height)
        pw.pointee = Int32(size.width)
    }
}
