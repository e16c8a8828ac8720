/* image: PNG and JPEG files checked and decoded into 8-bit pixels.
 *
 * libharu's own loaders cannot be trusted with a file from outside: a
 * damaged PNG makes libpng abort the process inside them, and a small file
 * that declares a huge size is decoded whole.  This module reads the file
 * itself, with libpng (setjmp error handling) and libjpeg-turbo (an error
 * manager that longjmps; its warnings, such as a premature end of data,
 * count as errors too), so that every damaged or unsupported file ends in
 * an img_error the caller reports, and the process goes on.
 *
 * What is accepted:
 *  - PNG of any colour type and bit depth: palette, grey and grey with
 *    alpha, RGB and RGBA; 1-, 2- and 4-bit depths are expanded, 16-bit
 *    depths are cut to 8 bits; a tRNS chunk becomes alpha.  Interlaced
 *    (Adam7) PNG must be decoded whole: accepted up to IMG_MAX_WHOLE_PIXELS.
 *  - JPEG in greyscale, YCbCr or RGB, baseline or progressive (progressive
 *    is decoded whole: up to IMG_MAX_WHOLE_PIXELS).  CMYK and YCCK JPEG are
 *    refused (convert them to RGB).
 *  - At most IMG_MAX_PIXELS declared pixels (width × height), checked from
 *    the header before anything is decoded.
 * Pixels come out as grey (1 channel) or RGB (3), rows top first, with a
 * separate 8-bit alpha plane only when some pixel is not opaque.
 *
 * Decoding streams row by row into a box-filter downscaler, so a large
 * image costs a few rows of memory plus its output: img_decode is given
 * the largest pixel size the page needs (img_fit: 300 dpi at the printed
 * size), and JPEG is also scaled in the DCT (1/2, 1/4, 1/8) when it can.
 *
 * Ownership: img_pixels owns its planes (or_malloc); img_pixels_free frees
 * them and accepts a zeroed struct.  Nothing else is kept between calls. */
#ifndef OR_IMAGE_H
#define OR_IMAGE_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

#define IMG_MAX_PIXELS       50000000ULL   /* declared width × height, any kind */
#define IMG_MAX_WHOLE_PIXELS 16000000ULL   /* interlaced PNG, progressive JPEG */
#define IMG_DPI              300           /* resolution of the printed image */

typedef enum { IMG_PNG, IMG_JPEG } img_kind;

typedef struct img_info {
    img_kind kind;
    unsigned width, height;        /* declared pixel size */
} img_info;

typedef struct img_pixels {
    unsigned width, height;
    unsigned channels;             /* 1 = grey, 3 = RGB */
    unsigned char *data;           /* width × height × channels bytes */
    unsigned char *alpha;          /* width × height bytes; NULL = opaque */
    img_kind kind;                 /* what the file was */
    bool as_is;                    /* JPEG, unscaled, YCbCr or grey: its own bytes can be embedded */
} img_pixels;

/* Why a call failed: status is OR_EINPUT for a file that is damaged,
 * unsupported or too large, OR_ESYS for an unreadable file or no memory;
 * msg says what was found and what was expected (translated, without the
 * file name: the caller prefixes it). */
typedef struct img_error {
    or_status status;
    char msg[512];
} img_error;

/* Reads the kind and the declared size from the header and checks them
 * against IMG_MAX_PIXELS; decodes no pixel.  Returns OR_OK or err->status. */
or_status img_probe(const char *path, img_info *info, img_error *err);

/* Decodes the whole file, checking every chunk and marker, into *out,
 * box-filtered down to at most max_w × max_h pixels (each side on its own;
 * 0 = the image's own size).  Never scales up.  On failure *out is zeroed
 * and nothing is left allocated. */
or_status img_decode(const char *path, unsigned max_w, unsigned max_h, img_pixels *out, img_error *err);

/* The pixel size an image of width × height pixels needs when printed at
 * w_pt × h_pt points: IMG_DPI at that size, never more than it has. */
void img_fit(unsigned width, unsigned height, double w_pt, double h_pt, unsigned *fit_w, unsigned *fit_h);

/* A JPEG stream for pixels that img_decode read from a JPEG file, so that
 * a photograph is not embedded as pixels many times its size: the file's
 * own bytes when px->as_is and its frame header is where a plain walk of
 * its markers finds it (as libharu's JPEG loader walks them), else the
 * pixels encoded anew (quality IMG_JPEG_QUALITY, no chroma subsampling,
 * so that small coloured text stays sharp).  *data (or_malloc) is the
 * caller's; on failure it is NULL. */
#define IMG_JPEG_QUALITY 92
or_status img_jpeg_stream(const char *path, const img_pixels *px, unsigned char **data, size_t *len,
                          img_error *err);

void img_pixels_free(img_pixels *p);

#endif
