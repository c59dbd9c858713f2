import Acla

// The bundled default models (include/acla.h, section "bundled default models").

@_cdecl("acla_model_load_default")
public func acla_model_load_default(_ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let out = try requireNonNull(out, "out")
        let network = try BundledModels.load(try string(name, "name"))
        out.pointee = try ModelBox(network).retainedHandle()
    }
}

@_cdecl("acla_models_catalog")
public func acla_models_catalog(_ buf: UnsafeMutablePointer<CChar>?, _ cap: UInt, _ needed: UnsafeMutablePointer<UInt>?) -> Int32 {
    boundary {
        let (directory, entries) = try BundledModels.catalog()
        let json = JSONWriter.string(.object(JSONObject([("directory", .string(directory)), ("models", .array(entries.map(\.json)))])))
        try copyString(json, to: buf, capacity: cap, needed: needed, what: "the model catalog")
    }
}
