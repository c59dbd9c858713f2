// cairo (Debian libcairo2-dev) for the CLI's figures (`acla visualize`, `acla compare`) only:
// libacla.so does not link it.
#include <cairo/cairo.h>
