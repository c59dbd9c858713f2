/* Loads a checkpoint and runs one forward pass on a synthetic image.
 *
 *   forward MODEL.safetensors [CONFIG_JSON]
 *
 * CONFIG_JSON is only needed for files without an "acla.config" entry in their metadata
 * (converted official checkpoints). Build against an installed acla:
 *   cc -std=c11 forward.c $(pkg-config --cflags --libs acla) -o forward
 */
#include <acla.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, acla_status status) {
    fprintf(stderr, "forward: %s failed: %s (%s)\n", what, acla_last_error_message(), acla_status_string(status));
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s MODEL.safetensors [CONFIG_JSON]\n", argv[0]);
        return 2;
    }
    acla_model *model = NULL;
    acla_status s = acla_model_load(argv[1], argc == 3 ? argv[2] : NULL, &model);
    if (s != ACLA_OK) return fail("acla_model_load", s);

    char config[1024];
    size_t needed = 0;
    if (acla_model_config(model, config, sizeof config, &needed) == ACLA_OK) printf("config: %s\n", config);
    uint64_t params = 0, macs = 0;
    acla_model_parameter_count(model, &params);

    /* a 24x32 gradient with a bright square, in the model's channel count */
    const int32_t h = 24, w = 32;
    int32_t c = 0, oh = 0, ow = 0, in_c = 3;
    s = acla_model_output_size(model, h, w, &c, &oh, &ow);
    if (s != ACLA_OK) { acla_model_destroy(model); return fail("acla_model_output_size", s); }
    in_c = c;  /* every model maps c channels to c channels */
    acla_model_macs(model, h, w, &macs);
    printf("parameters: %llu, MACs at %dx%d: %llu\n", (unsigned long long)params, h, w, (unsigned long long)macs);

    size_t in_len = (size_t)in_c * h * w, out_len = (size_t)c * oh * ow;
    float *input = malloc(in_len * sizeof *input), *output = malloc(out_len * sizeof *output);
    if (!input || !output) { fprintf(stderr, "forward: out of memory\n"); return 1; }
    for (int32_t ch = 0; ch < in_c; ch++)
        for (int32_t y = 0; y < h; y++)
            for (int32_t x = 0; x < w; x++) {
                int inside = y >= 8 && y < 16 && x >= 10 && x < 20;
                input[((size_t)ch * h + y) * w + x] = inside ? 230.f : (float)(x * 255 / (w - 1));
            }
    s = acla_model_forward(model, input, 1, in_c, h, w, output, out_len);
    if (s != ACLA_OK) { free(input); free(output); acla_model_destroy(model); return fail("acla_model_forward", s); }

    double sum = 0, lo = output[0], hi = output[0];
    for (size_t i = 0; i < out_len; i++) {
        sum += output[i];
        if (output[i] < lo) lo = output[i];
        if (output[i] > hi) hi = output[i];
    }
    printf("output: %d x %d x %d, min %.3f, max %.3f, mean %.3f\n", c, oh, ow, lo, hi, sum / (double)out_len);
    free(input);
    free(output);
    acla_model_destroy(model);
    return 0;
}
