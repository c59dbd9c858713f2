import XCTest
@testable import Acla

/// The parameter arena: one flat buffer of parameters and one of gradients, each parameter a view.
final class ParameterArenaTests: XCTestCase {
    let json = #"{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "acla", "positions": "all", "keys": 2}}"#

    func testEntriesAreContiguousViewsInRegistryOrder() throws {
        let net = try Network(config: ModelConfig.parse(json))
        let arena = try XCTUnwrap(net.parameters.arena)
        XCTAssertEqual(arena.entries.map(\.name), net.parameters.names)
        XCTAssertEqual(arena.count, net.parameterCount)
        var offset = 0
        for (entry, (name, variable)) in zip(arena.entries, net.parameters.parameters) {
            XCTAssertEqual(entry.offset, offset, name)
            XCTAssertEqual(entry.shape, variable.shape, name)
            offset += entry.count
            // the variable reads the arena's memory: same values, same address
            arena.readValues { all in
                variable.value.data.withUnsafeBufferPointer { v in
                    XCTAssertEqual(v.baseAddress, all.baseAddress.map { $0 + entry.offset }, name)
                }
            }
        }
        XCTAssertEqual(offset, arena.count)
    }

    func testGroupsAndTrainability() throws {
        let net = try Network(config: ModelConfig.parse(json))
        let arena = try XCTUnwrap(net.parameters.arena)
        for e in arena.entries {
            let expected: ParameterArena.ParameterGroup = e.name.hasPrefix("sub_mean") || e.name.hasPrefix("add_mean") ? .meanShift
                : e.name == "search.alpha" ? .search : e.name.hasPrefix("attention.") ? .attention : .backbone
            XCTAssertEqual(e.group, expected, e.name)
            XCTAssertEqual(e.trainable, expected != .meanShift, e.name)
        }
        let search = arena.ranges(of: .search)
        XCTAssertEqual(search.count, 1)
        XCTAssertEqual(search.first?.count, 2, "one alpha per layer")
        let covered = ParameterArena.ParameterGroup.allCases.flatMap { arena.ranges(of: $0) }.map(\.count).reduce(0, +)
        XCTAssertEqual(covered, arena.count, "the groups partition the arena")
    }

    func testWritesBumpVersionsAndReachTheForward() throws {
        let net = try Network(config: ModelConfig.parse(json))
        let arena = try XCTUnwrap(net.parameters.arena)
        var rng = TestSeed.generator(81)
        let x = rng.tensor([1, 3, 5, 4], 0, 255)
        let before = try net.forward(x)
        let tail = try XCTUnwrap(net.parameters["tail.1.bias"])
        let v0 = tail.version
        try tail.assign(Tensor(shape: [3], data: [1, 2, 3]))
        XCTAssertNotEqual(tail.version, v0, "assign bumps the version")
        XCTAssertEqual(Array(tail.value.data), [1, 2, 3])
        let head = try XCTUnwrap(net.parameters["head.0.weight"])
        let v1 = head.version
        arena.withValues { p in
            for i in head.value.data.indices { p[arena.entries[2].offset + i] += 0 }   // a write, values unchanged
        }
        XCTAssertNotEqual(head.version, v1, "a write through the arena bumps every version")
        let after = try net.forward(x)
        XCTAssertNotEqual(before, after, "the forward reads the arena's new tail bias")
        // the output moved by exactly the change of the final bias (add_mean is the identity + bias)
        let old = before.data[0], new = after.data[0]
        XCTAssertGreaterThan(abs(new - old), 0)
    }

    func testBackwardAccumulatesIntoTheGradientArena() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 3}"#))
        let arena = try XCTUnwrap(net.parameters.arena)
        var rng = TestSeed.generator(82)
        let x = Variable(rng.tensor([2, 3, 4, 3], 0, 255))
        XCTAssertNil(net.parameters["head.0.weight"]!.grad, "no gradient before a backward pass")
        for _ in 0..<2 {
            let y = try net.forward(x, pass: ForwardPass())
            try y.backward(gradient: rng.tensor(y.shape))
        }
        let once = try net.parameters.parameters.map { try XCTUnwrap($0.variable.grad).data }
        arena.withGradients { g in
            for (entry, grad) in zip(arena.entries, once) {
                for i in 0..<entry.count { XCTAssertEqual(g[entry.offset + i], grad[i], entry.name) }
            }
        }
        XCTAssert(once.contains { $0.contains { $0 != 0 } })
        net.parameters.zeroGradients()
        XCTAssertNil(net.parameters["head.0.weight"]!.grad)
        arena.withGradients { g in XCTAssert(g.allSatisfy { $0 == 0 }) }
    }

    /// Accumulation over two backward passes equals the sum of two separate ones.
    func testGradientsAddUp() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "task": "denoise", "blocks": 1, "features": 3}"#))
        var rng = TestSeed.generator(83)
        let x = Variable(rng.tensor([1, 3, 4, 4], 0, 255)), seed = rng.tensor([1, 3, 4, 4])
        func grads() throws -> [[Float]] { try net.parameters.parameters.map { Array(try XCTUnwrap($0.variable.grad).data) } }
        try net.forward(x, pass: ForwardPass()).backward(gradient: seed)
        let single = try grads()
        try net.forward(x, pass: ForwardPass()).backward(gradient: seed)
        let double = try grads()
        for (a, b) in zip(single, double) {
            for (u, v) in zip(a, b) { XCTAssertEqual(v, 2 * u, accuracy: 1e-4 * max(1, abs(v))) }
        }
    }
}
