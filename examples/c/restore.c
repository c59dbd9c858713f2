/* Restores a PNG or JPEG with a checkpoint, printing progress, and writes the result.
 *
 *   restore MODEL.safetensors IN.png OUT.png [TILE OVERLAP]
 *
 * Build against an installed acla:
 *   cc -std=c11 restore.c $(pkg-config --cflags --libs acla) -o restore
 */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fail(const char *what, acla_status status) {
    fprintf(stderr, "restore: %s failed: %s (%s)\n", what, acla_last_error_message(), acla_status_string(status));
    return 1;
}

/* Called before any work and after every forward pass; returning non-zero would cancel.
 * Draws a progress line when stderr is a terminal. */
static int32_t on_progress(void *user, int64_t done, int64_t total) {
    const char *name = user;
    if (!isatty(2)) return 0;
    fprintf(stderr, "\r%s: %lld/%lld passes", name, (long long)done, (long long)total);
    if (done == total) fputc('\n', stderr);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: %s MODEL.safetensors IN.png OUT.png [TILE OVERLAP]\n", argv[0]);
        return 2;
    }
    int status = 1;
    acla_model *model = NULL;
    acla_restore_options *options = NULL;
    uint8_t *in = NULL, *out = NULL;
    acla_status s = acla_model_load(argv[1], NULL, &model);
    if (s != ACLA_OK) return fail("acla_model_load", s);

    int32_t c = 0, h = 0, w = 0;
    uint32_t notes = 0;
    if ((s = acla_image_info(argv[2], NULL, &c, &h, &w, NULL)) != ACLA_OK) { fail("acla_image_info", s); goto done; }
    size_t in_len = (size_t)c * (size_t)h * (size_t)w;
    in = malloc(in_len);
    if (!in) { fprintf(stderr, "restore: out of memory\n"); goto done; }
    if ((s = acla_image_read(argv[2], in, in_len, &c, &h, &w, NULL)) != ACLA_OK) { fail("acla_image_read", s); goto done; }

    int32_t oc = 0, oh = 0, ow = 0;
    if ((s = acla_model_restore_output_size(model, c, h, w, &oc, &oh, &ow, &notes)) != ACLA_OK) {
        fail("acla_model_restore_output_size", s);
        goto done;
    }
    if (notes & ACLA_RESTORE_NOTE_GRAY_AS_RGB) fprintf(stderr, "note: gray input restored as RGB, the luma is kept\n");
    if (notes & ACLA_RESTORE_NOTE_LUMA_ONLY) fprintf(stderr, "note: the luma is restored, chroma kept\n");
    size_t out_len = (size_t)oc * (size_t)oh * (size_t)ow;
    out = malloc(out_len);
    if (!out) { fprintf(stderr, "restore: out of memory\n"); goto done; }

    if ((s = acla_restore_options_create(&options)) != ACLA_OK) { fail("acla_restore_options_create", s); goto done; }
    if (argc == 6 && (s = acla_restore_options_set_tile(options, atoi(argv[4]), atoi(argv[5]))) != ACLA_OK) {
        fail("acla_restore_options_set_tile", s);
        goto done;
    }
    acla_restore_options_set_progress(options, on_progress, argv[2]);
    if ((s = acla_model_restore(model, options, in, in_len, c, h, w, out, out_len)) != ACLA_OK) {
        fail("acla_model_restore", s);
        goto done;
    }
    if ((s = acla_image_write(argv[3], out, out_len, oc, oh, ow, 0)) != ACLA_OK) { fail("acla_image_write", s); goto done; }
    printf("%s (%dx%dx%d) -> %s (%dx%dx%d)\n", argv[2], w, h, c, argv[3], ow, oh, oc);
    status = 0;
done:
    acla_restore_options_destroy(options);
    acla_model_destroy(model);
    free(in);
    free(out);
    return status;
}
