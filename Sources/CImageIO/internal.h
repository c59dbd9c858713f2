// Shared helpers of the CImageIO target (not part of its public header).
#ifndef ACI_INTERNAL_H
#define ACI_INTERNAL_H
// strdup, mkstemp, fsync: POSIX, hidden by a strict -std=c11.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "acla_imageio.h"
#include <stdio.h>

// Writes a formatted sentence into msg (when msg is not NULL) and returns code.
int aci_fail(aci_message *msg, int code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

// Opens an existing regular file for reading. Directories, FIFOs, devices and sockets are
// ACI_ERR_IO, refused without blocking.
int aci_open_regular(const char *path, FILE **out, aci_message *msg);

// Checked width * height * channels; returns 0 on overflow of size_t.
size_t aci_pixel_bytes(int64_t width, int64_t height, int64_t channels);

// Format-specific halves of aci_decoder (decoder.c dispatches).
typedef struct aci_png_state aci_png_state;
typedef struct aci_jpeg_state aci_jpeg_state;
int aci_png_open(FILE *file, const char *path, int64_t max_pixels, uint32_t flags, aci_png_state **out,
                 aci_image_info *info, aci_message *msg);
int aci_png_read(aci_png_state *s, const aci_image_info *info, uint8_t *dst, aci_message *msg);
void aci_png_close(aci_png_state *s);
int aci_jpeg_open(FILE *file, const char *path, int64_t max_pixels, aci_jpeg_state **out,
                  aci_image_info *info, aci_message *msg);
int aci_jpeg_read(aci_jpeg_state *s, const aci_image_info *info, uint8_t *dst, aci_message *msg);
void aci_jpeg_close(aci_jpeg_state *s);

// The pixel-limit check shared by both decoders.
int aci_check_dimensions(const char *path, int64_t width, int64_t height, int64_t max_pixels,
                         aci_message *msg);
#endif
