// PNG and JPEG codecs behind error codes: libpng and libjpeg report errors by longjmp (and
// libjpeg's default handler calls exit()), which Swift cannot survive, so every setjmp lives here.
#ifndef ACLA_IMAGEIO_H
#define ACLA_IMAGEIO_H
const char *aci_libpng_version(void);
#endif
