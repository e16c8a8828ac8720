/* inkcheck: proves that glyphs render, which text extraction cannot.
 *
 * usage: inkcheck PAGE.pgm DPI X Y W H [X Y W H ...]
 * Boxes are in PDF points from the top-left corner of the page.  Prints the
 * dark-pixel count of every box and exits 1 when any box has none (or when
 * the image cannot be read), 0 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_token(FILE *fp, long *out)
{
    int c;
    do {
        c = fgetc(fp);
        if (c == '#')
            while (c != '\n' && c != EOF)
                c = fgetc(fp);
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if (c < '0' || c > '9')
        return -1;
    long v = 0;
    while (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        if (v > 1000000)
            return -1;
        c = fgetc(fp);
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 7 || (argc - 3) % 4 != 0) {
        fprintf(stderr, "usage: inkcheck PAGE.pgm DPI X Y W H [X Y W H ...]\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    long w, h, max;
    if (!fp || fgetc(fp) != 'P' || fgetc(fp) != '5' || read_token(fp, &w) || read_token(fp, &h)
        || read_token(fp, &max) || max != 255) {
        fprintf(stderr, "inkcheck: %s is not an 8-bit binary PGM\n", argv[1]);
        return 1;
    }
    unsigned char *px = malloc((size_t)w * (size_t)h);
    if (!px || fread(px, 1, (size_t)w * (size_t)h, fp) != (size_t)w * (size_t)h) {
        fprintf(stderr, "inkcheck: %s is truncated\n", argv[1]);
        return 1;
    }
    fclose(fp);
    double scale = strtod(argv[2], NULL) / 72.0;
    int blank = 0;
    for (int i = 3; i + 3 < argc; i += 4) {
        long x0 = (long)(strtod(argv[i], NULL) * scale), y0 = (long)(strtod(argv[i + 1], NULL) * scale);
        long x1 = x0 + (long)(strtod(argv[i + 2], NULL) * scale), y1 = y0 + (long)(strtod(argv[i + 3], NULL) * scale);
        long dark = 0;
        for (long y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
            for (long x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++)
                dark += px[y * w + x] < 128;
        printf("box %d at %s,%s: %ld dark pixels\n", (i - 3) / 4 + 1, argv[i], argv[i + 1], dark);
        blank += dark == 0;
    }
    free(px);
    if (blank)
        printf("%d box(es) without ink\n", blank);
    return blank ? 1 : 0;
}
