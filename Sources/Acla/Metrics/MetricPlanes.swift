/// Which samples a metric compares (CONVENTIONS.md section 3).
public enum MetricChannels: String, Sendable, CaseIterable {
    /// Every channel of the image as it is (RGB, or the one gray channel).
    case rgb
    /// The BT.601 luma of an RGB image, as float (gray images: their one channel).
    case y
}

/// Two images prepared for measuring: quantised to 8 bits, converted to the measured channels
/// and shaved, as double planes of identical size.
struct MetricPlanes {
    let width: Int
    let height: Int
    let a: [[Double]]
    let b: [[Double]]

    init(_ first: Image8, _ second: Image8, border: Int, channels: MetricChannels) throws {
        guard first.width == second.width, first.height == second.height, first.channels == second.channels else {
            throw AclaError.shape("images to compare differ in size: \(first.width)x\(first.height)x\(first.channels) "
                + "and \(second.width)x\(second.height)x\(second.channels)")
        }
        guard border >= 0, border <= (first.height - 1) / 2, border <= (first.width - 1) / 2 else {
            throw AclaError.invalidArgument("border \(border) leaves nothing of a \(first.width) x \(first.height) image")
        }
        let w = first.width - 2 * border
        let h = first.height - 2 * border
        func planes(_ image: Image8) -> [[Double]] {
            if channels == .y || image.channels == 1 {
                let y = ColorConversion.yPlane(image)
                return [MetricPlanes.shave(y, width: image.width, border: border, w: w, h: h)]
            }
            return (0..<image.channels).map { c in
                var plane = [Double](repeating: 0, count: w * h)
                for yy in 0..<h {
                    for xx in 0..<w {
                        plane[yy * w + xx] = Double(image.pixels[((yy + border) * image.width + xx + border) * image.channels + c])
                    }
                }
                return plane
            }
        }
        self.width = w
        self.height = h
        self.a = planes(first)
        self.b = planes(second)
    }

    static func shave(_ plane: [Double], width: Int, border: Int, w: Int, h: Int) -> [Double] {
        if border == 0 { return plane }
        var out = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w { out[y * w + x] = plane[(y + border) * width + x + border] }
        }
        return out
    }
}
