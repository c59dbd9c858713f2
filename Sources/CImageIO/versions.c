#include "acla_imageio.h"
#include <png.h>

const char *aci_libpng_version(void) { return PNG_LIBPNG_VER_STRING; }
