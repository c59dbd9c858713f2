import Acla

/// The parameter of `name`; unknown names are an invalid-argument error naming them.
private func parameter(_ box: ModelBox, _ name: UnsafePointer<CChar>?) throws -> (String, Variable) {
    let name = try string(name, "name")
    guard let v = box.network.parameters[name] else {
        throw AclaError.invalidArgument("model has no parameter \"\(AclaError.excerpt(name))\"")
    }
    return (name, v)
}

@_cdecl("acla_model_get_parameter")
public func acla_model_get_parameter(_ model: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                     _ dst: UnsafeMutablePointer<Float>?, _ len: UInt) -> Int32 {
    boundary {
        let (name, v) = try parameter(try modelBox(model), name)
        let dst = try requireNonNull(dst, "dst")
        guard len == UInt(v.value.count) else {
            throw AclaError.shape("parameter \"\(name)\" has \(v.value.count) values (shape \(v.shape)), len is \(len)")
        }
        v.value.data.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { dst.update(from: base, count: src.count) }
        }
    }
}

@_cdecl("acla_model_set_parameter")
public func acla_model_set_parameter(_ model: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                     _ src: UnsafePointer<Float>?, _ len: UInt) -> Int32 {
    boundary {
        let (name, v) = try parameter(try modelBox(model), name)
        let src = try requireNonNull(src, "src")
        guard len == UInt(v.value.count) else {
            throw AclaError.shape("parameter \"\(name)\" has \(v.value.count) values (shape \(v.shape)), len is \(len)")
        }
        let values = Array(UnsafeBufferPointer(start: src, count: v.value.count))
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw AclaError.invalidArgument("value \(i) for parameter \"\(name)\" is not finite (\(values[i]))")
        }
        try v.assign(try Tensor(shape: v.shape, data: values))
    }
}

@_cdecl("acla_model_parameter_names")
public func acla_model_parameter_names(_ model: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ cap: UInt,
                                       _ needed: UnsafeMutablePointer<UInt>?) -> Int32 {
    boundary {
        let names = try modelBox(model).network.parameters.names.joined(separator: "\n")
        try copyString(names, to: buf, capacity: cap, needed: needed, what: "parameter names")
    }
}

@_cdecl("acla_model_parameter_shape")
public func acla_model_parameter_shape(_ model: OpaquePointer?, _ name: UnsafePointer<CChar>?,
                                       _ dims: UnsafeMutablePointer<Int64>?, _ cap: Int32,
                                       _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let (name, v) = try parameter(try modelBox(model), name)
        let rank = try requireNonNull(rank, "rank")
        let shape = v.shape
        guard Int(cap) >= shape.count else {
            rank.pointee = Int32(shape.count)
            throw AclaError.shape("parameter \"\(name)\" has rank \(shape.count), dims holds \(cap)")
        }
        if !shape.isEmpty {
            let dims = try requireNonNull(dims, "dims")
            for (i, d) in shape.enumerated() { dims[i] = Int64(d) }
        }
        rank.pointee = Int32(shape.count)
    }
}
