import Acla

// The outcome of an insert-position search (ATTENTION.md section 5) on a supernet model.

private func supernet(_ network: Network) throws -> SearchSupernet {
    guard let search = network.attention?.search else {
        throw AclaError.invalidArgument("the model is not a search supernet (its attention.positions are not \"all\")")
    }
    return search
}

@_cdecl("acla_model_search_positions")
public func acla_model_search_positions(_ model: OpaquePointer?, _ positions: UnsafeMutablePointer<Int32>?, _ cap: Int32,
                                        _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let search = try supernet(modelBox(model).network)
        try writeInt32s(search.derivedPositions, to: positions, named: "positions", capacity: cap, count: count, what: "search positions")
    }
}

@_cdecl("acla_model_derive")
public func acla_model_derive(_ model: OpaquePointer?, _ positions: UnsafePointer<Int32>?, _ count: Int32,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let network = try modelBox(model).network
        let out = try requireNonNull(out, "out")
        let search = try supernet(network)
        var kept: [Int]?
        if let positions {
            guard count >= 0, Int(count) <= search.layers else {
                throw AclaError.invalidArgument("position count \(count) is outside 0...\(search.layers)")
            }
            let list = (0..<Int(count)).map { Int(positions[$0]) }
            for (i, p) in list.enumerated() {
                guard (1...search.layers).contains(p) else {
                    throw AclaError.invalidArgument("position \(p) is outside 1...\(search.layers)")
                }
                guard i == 0 || list[i - 1] < p else {
                    throw AclaError.invalidArgument("positions must be sorted and unique, got \(list)")
                }
            }
            kept = list
        }
        out.pointee = try ModelBox(try network.derivedNetwork(positions: kept)).retainedHandle()
    }
}
