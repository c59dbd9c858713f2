import Acla
import CCairo

/// A white RGB drawing surface on cairo (anti-aliased shapes, real text) for the figures of
/// `acla visualize` and `acla compare`; `image()` hands the pixels back as an `Image8`, which
/// the library's atomic PNG writer saves.
final class Canvas {
    let width: Int
    let height: Int
    private let surface: OpaquePointer
    let cr: OpaquePointer

    init(width: Int, height: Int) throws {
        guard width >= 1, height >= 1, width <= 16384, height <= 16384 else {
            throw AclaError.invalidArgument("figure of \(width) x \(height) pixels is too large to draw")
        }
        guard let s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, let c = cairo_create(s) else {
            throw AclaError.outOfMemory("cannot create a \(width) x \(height) drawing surface")
        }
        self.width = width
        self.height = height
        surface = s
        cr = c
        setColor(1, 1, 1)
        cairo_paint(cr)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func setColor(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) { cairo_set_source_rgba(cr, r, g, b, a) }

    /// Draws `image` with its top-left at (x, y), `scale` display pixels per image pixel; nearest
    /// neighbour when enlarging (pixels stay visible), smooth when shrinking.
    func draw(_ image: Image8, x: Double, y: Double, scale: Double) throws {
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(image.width)))
        guard let src = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height)),
              cairo_surface_status(src) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(src) else {
            throw AclaError.outOfMemory("cannot create a \(image.width) x \(image.height) image surface")
        }
        defer { cairo_surface_destroy(src) }
        cairo_surface_flush(src)
        let c = image.channels
        for row in 0..<image.height {
            let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: image.width) { $0 }
            for col in 0..<image.width {
                let i = (row * image.width + col) * c
                let (r, g, b) = c == 3 ? (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
                                       : (image.pixels[i], image.pixels[i], image.pixels[i])
                line[col] = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            }
        }
        cairo_surface_mark_dirty(src)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, scale, scale)
        cairo_set_source_surface(cr, src, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), scale >= 1 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(cr)
        cairo_restore(cr)
    }

    /// Text with its baseline starting at (x, y); returns its width.
    @discardableResult
    func text(_ s: String, x: Double, y: Double, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, s, &extents)
        cairo_move_to(cr, x, y)
        cairo_show_text(cr, s)
        return extents.x_advance
    }

    func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, s, &extents)
        return extents.x_advance
    }

    func circle(x: Double, y: Double, radius: Double, fill: (Double, Double, Double)?, stroke: (Double, Double, Double)?,
                lineWidth: Double = 1.2) {
        cairo_new_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        if let fill {
            setColor(fill.0, fill.1, fill.2)
            if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke {
            setColor(stroke.0, stroke.1, stroke.2)
            cairo_set_line_width(cr, lineWidth)
            cairo_stroke(cr)
        }
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double) {
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    func rectangle(x: Double, y: Double, width w: Double, height h: Double, lineWidth: Double? = nil) {
        cairo_rectangle(cr, x, y, w, h)
        if let lineWidth {
            cairo_set_line_width(cr, lineWidth)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    /// The pixels drawn so far, as RGB.
    func image() throws -> Image8 {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw AclaError.internal("cairo surface has no data") }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
            for col in 0..<width {
                let v = line[col]
                let i = (row * width + col) * 3
                pixels[i] = UInt8(truncatingIfNeeded: v >> 16)
                pixels[i + 1] = UInt8(truncatingIfNeeded: v >> 8)
                pixels[i + 2] = UInt8(truncatingIfNeeded: v)
            }
        }
        return try Image8(width: width, height: height, channels: 3, pixels: pixels)
    }
}

/// matplotlib's viridis at nine anchors, linearly interpolated: the colour of a value in 0...1.
func viridis(_ t: Double) -> (Double, Double, Double) {
    let anchors: [(Double, Double, Double)] = [
        (0.267, 0.005, 0.329), (0.283, 0.141, 0.458), (0.254, 0.265, 0.530), (0.207, 0.372, 0.553), (0.164, 0.471, 0.558),
        (0.128, 0.567, 0.551), (0.135, 0.659, 0.518), (0.360, 0.786, 0.388), (0.993, 0.906, 0.144),
    ]
    let x = min(max(t.isNaN ? 0 : t, 0), 1) * Double(anchors.count - 1)
    let i = min(Int(x), anchors.count - 2)
    let f = x - Double(i)
    let (a, b) = (anchors[i], anchors[i + 1])
    return (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1), a.2 + f * (b.2 - a.2))
}
