/// Colour augmentation: the 6 orders of an RGB image's channels (permutation `p` in 0..<6 puts
/// source channel `orders[p][k]` in channel k). A small photo set has few colour relations
/// between the channels; demosaicing and colour denoising learn those relations, and a
/// benchmark with other colours (McMaster's saturated ones) then scores below bilinear.
public enum ChannelPermutation {
    public static let orders: [[Int]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
    public static var count: Int { orders.count }

    /// The image with its channels reordered (1-channel images are returned as they are).
    public static func apply(_ p: Int, to image: Image8) -> Image8 {
        guard image.channels == 3, p > 0, p < orders.count else { return image }
        let order = orders[p]
        var out = image.pixels
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in stride(from: 0, to: src.count, by: 3) {
                    dst[i] = src[i + order[0]]
                    dst[i + 1] = src[i + order[1]]
                    dst[i + 2] = src[i + order[2]]
                }
            }
        }
        return Image8(validatedWidth: image.width, height: image.height, channels: 3, pixels: out)
    }
}
