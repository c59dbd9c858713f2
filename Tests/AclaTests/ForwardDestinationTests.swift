import XCTest
@testable import Acla

/// The network's last layer writes into a caller's buffer (the C forward's output) instead of a
/// new tensor: same values, bit for bit, for every task's final layer and every convolution
/// algorithm, and the result views that buffer.
final class ForwardDestinationTests: XCTestCase {
    private func check(_ config: ModelConfig, size: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Network(config: config)
        var rng = RandomGenerator(seed: 7)
        let x = try Tensor(shape: [2, config.channels, size, size], data: (0..<(2 * config.channels * size * size)).map { _ in
            Float(rng.uniform(0, 255))
        })
        let plain = try net.forward(x)
        var buffer = [Float](repeating: .nan, count: plain.count)
        let viewed = try buffer.withUnsafeMutableBufferPointer { dest -> Bool in
            let y = try net.forward(x, into: dest)
            XCTAssertEqual(y.shape, plain.shape, file: file, line: line)
            return y.data.withUnsafeBufferPointer { $0.baseAddress == UnsafePointer(dest.baseAddress) }
        }
        XCTAssertTrue(viewed, "the output must be the destination itself", file: file, line: line)
        XCTAssertEqual(buffer, Array(plain.data), "\(config.task) \(size)x\(size)", file: file, line: line)
    }

    func testSuperResolutionWritesAddMeanIntoTheDestination() throws {
        for size in [5, 12] {   // small maps run im2col, larger ones Winograd
            try check(ModelConfig(task: .sr, scale: 2, blocks: 2, features: 8, seed: 3), size: size)
        }
    }

    func testSameResolutionTasksFuseTheImageResidualIntoTheTail() throws {
        for task in [ModelConfig.Task.denoise, .jpeg, .demosaic] {
            try check(ModelConfig(task: task, blocks: 2, features: 8, seed: 4), size: 12)
        }
    }

    func testAWrongSizedDestinationIsAShapeError() throws {
        let net = try Network(config: ModelConfig(task: .denoise, blocks: 1, features: 4))
        let x = Tensor(shape: [1, 3, 4, 4], repeating: 9)
        var buffer = [Float](repeating: 0, count: 47)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBufferPointer { try net.forward(x, into: $0) }) { error in
            XCTAssertTrue("\(error)".contains("47"), "\(error)")
        }
    }
}
