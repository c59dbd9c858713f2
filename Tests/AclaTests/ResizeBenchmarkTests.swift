import Foundation
import XCTest
@testable import Acla

/// Acceptance: MATLAB-made benchmark LR images are reproduced bit for bit.
final class ResizeBenchmarkTests: XCTestCase {
    /// RCAN's `*_LRBI_x{s}.png` are `imresize(HR, 1/s, 'bicubic')` on uint8 with replicate.
    func testSet5ReplicateBicubicIsExact() throws {
        let data = try ImagingTestData.sharedData()
        for scale in [2, 3, 4] {
            let folder = data.appendingPathComponent("Set5/replicate/x\(scale)")
            for name in ["baby", "bird", "butterfly", "head", "woman"] {
                let hr = try ImageFile.read(folder.appendingPathComponent("\(name)_HR_x\(scale).png").path).image
                let lr = try ImageFile.read(folder.appendingPathComponent("\(name)_LRBI_x\(scale).png").path).image
                let made = try BicubicResize.resize(hr, scale: 1.0 / Double(scale), boundary: .replicate)
                XCTAssertEqual(made.width, lr.width, "\(name) x\(scale)")
                XCTAssertEqual(made.height, lr.height, "\(name) x\(scale)")
                let differing = zip(made.pixels, lr.pixels).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(name) x\(scale): \(differing) samples differ")
            }
        }
    }

    /// EDSR's `LR_bicubic/X{s}` are `imresize(modcrop(HR, s), 1/s, 'bicubic')` with symmetric.
    func testSet5SymmetricBicubicIsExact() throws {
        let data = try ImagingTestData.sharedData()
        for scale in [2, 3, 4] {
            for name in ["baby", "bird", "butterfly", "head", "woman"] {
                let hr = try ImageFile.read(data.appendingPathComponent("Set5/HR/\(name).png").path).image
                let lr = try ImageFile.read(data.appendingPathComponent("Set5/LR_bicubic_symmetric/X\(scale)/\(name)x\(scale).png").path).image
                let made = try BicubicResize.resize(try BicubicResize.modcrop(hr, scale: scale), scale: 1.0 / Double(scale), boundary: .symmetric)
                XCTAssertEqual(made.width, lr.width, "\(name) x\(scale)")
                XCTAssertEqual(made.height, lr.height, "\(name) x\(scale)")
                let differing = zip(made.pixels, lr.pixels).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(name) x\(scale): \(differing) samples differ")
            }
        }
    }
}
