import XCTest
@testable import Acla

/// Tensor construction and Variable leaves: every bad shape is an AclaError.
final class TensorTests: XCTestCase {
    func testConstruction() throws {
        let t = try Tensor(shape: [1, 2, 1, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual([t.n, t.c, t.h, t.w], [1, 2, 1, 3])
        XCTAssertEqual(t.count, 6)
        XCTAssertEqual(t.rank, 4)
        XCTAssertEqual(try t.reshaped([6]).data, t.data)
        XCTAssertEqual(Tensor(zeros: [2, 0]).count, 0)
        XCTAssertEqual(Tensor(shape: [2, 2], repeating: 3).data, [3, 3, 3, 3])
        XCTAssertEqual(try Tensor(shape: [], data: [7]).count, 1)
    }

    func testBadShapesThrow() {
        NumericCheck.assertThrows(.shape, "count mismatch") { try Tensor(shape: [2, 3], data: [1, 2]) }
        NumericCheck.assertThrows(.shape, "negative dimension") { try Tensor(shape: [2, -3], data: []) }
        NumericCheck.assertThrows(.shape, "negative with zero") { try Tensor(shape: [0, -1], data: []) }
        NumericCheck.assertThrows(.outOfMemory, "product overflow") { try Tensor(shape: [1 << 40, 1 << 40], data: []) }
        NumericCheck.assertThrows(.outOfMemory, "over the element limit") { try Tensor(shape: [1 << 20, 1 << 20], data: []) }
        // A zero dimension must not hide absurd others: ops multiply h*w, n*c of such shapes.
        NumericCheck.assertThrows(.outOfMemory, "zero with huge dims") { try Tensor(shape: [0, 1, 1 << 40, 1 << 40], data: []) }
        NumericCheck.assertThrows(.shape, "checkedZeros negative") { try Tensor(checkedZeros: [3, -1]) }
        NumericCheck.assertThrows(.outOfMemory, "checkedZeros huge") { try Tensor(checkedZeros: [1 << 40, 1 << 40, 0]) }
        XCTAssertEqual(try Tensor(checkedZeros: [2, 0, 3]).count, 0)
        NumericCheck.assertThrows(.shape, "reshape count") { try Tensor(zeros: [2, 3]).reshaped([4]) }
        NumericCheck.assertThrows(.shape, "requireRank") { try Tensor(zeros: [2, 3]).requireRank(4, "x") }
        NumericCheck.assertThrows(.shape, "requireShape") { try Tensor(zeros: [2, 3]).requireShape([3, 2], "x") }
    }

    func testMaxAbsDifference() throws {
        let a = try Tensor(shape: [3], data: [1, -2, 3]), b = try Tensor(shape: [3], data: [1.5, -2, 0])
        XCTAssertEqual(a.maxAbsDifference(b), 3)
        XCTAssertEqual(a.maxAbsDifference(a), 0)
    }

    func testAssign() throws {
        let p = Variable(Tensor(zeros: [2, 2]), requiresGrad: true)
        try p.assign(Tensor(shape: [2, 2], repeating: 1))
        XCTAssertEqual(p.value.data, [1, 1, 1, 1])
        NumericCheck.assertThrows(.shape, "assign shape") { try p.assign(Tensor(zeros: [4])) }
        let y = try relu(p)
        NumericCheck.assertThrows(.state, "assign to a result") { try y.assign(Tensor(zeros: [2, 2])) }
    }

    func testMathHelpers() throws {
        let t = try Tensor(shape: [4], data: [1, -2, 3, 0.5])
        XCTAssertEqual(try t.map { $0 * 2 }.data, [2, -4, 6, 1])
        XCTAssertEqual(try t.zipMap(t, -).data, [0, 0, 0, 0])
        XCTAssertEqual(t.sum(), 2.5)
    }
}
