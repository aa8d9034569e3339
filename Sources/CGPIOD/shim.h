#ifndef CGPIOD_SHIM_H
#define CGPIOD_SHIM_H

/*
 * libgpiod as the Board module sees it: a small version-neutral interface
 * (cgpiod.h), carried out over whichever libgpiod the build found.
 *
 * libgpiod 1.x (Debian bookworm) and 2.x (Debian and Raspberry Pi OS
 * trixie, current Yocto) install the same header name and the same
 * pkg-config name, but their APIs have almost nothing in common. Swift's
 * #if cannot test C declarations, so the choice is made here, by the
 * compiler, against the very gpiod.h that the build uses: only 1.x
 * declares the line bulk (GPIOD_LINE_BULK_MAX_LINES), which 2.x removed
 * together with the rest of the 1.x request API. No flag to pass, nothing
 * to keep in sync with pkg-config, sysroots or cross builds.
 */

#include <gpiod.h>
#include "cgpiod.h"

#if defined(GPIOD_LINE_BULK_MAX_LINES)
#include "cgpiod-v1.h"
#else
#include "cgpiod-v2.h"
#endif

#endif
