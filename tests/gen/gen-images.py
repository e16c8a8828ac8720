#!/usr/bin/env python3
"""Writes the images tests/e2e/images.sh typesets: valid PNGs of several
kinds and damaged PNGs and JPEGs, each small on disk.

    gen-images.py DIR JPEG      the small set into DIR; JPEG is a valid JPEG
                                that the damaged JPEGs are made from
    gen-images.py big FILE W H  one valid W x H RGB PNG (rows repeat in bands,
                                so it compresses to a few hundred kB)
"""
import struct
import sys
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def ihdr(w, h, depth=8, ctype=2, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))


SIG = b"\x89PNG\r\n\x1a\n"
IEND = chunk(b"IEND", b"")


def rgb_rows(w, h):
    """A gradient: red across, green down, a blue square in the middle."""
    out = bytearray()
    for y in range(h):
        out.append(0)
        for x in range(w):
            inside = w // 4 <= x < 3 * w // 4 and h // 4 <= y < 3 * h // 4
            out += bytes((x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), 255 if inside else 0))
    return bytes(out)


def png(w, h, rows, depth=8, ctype=2, extra=b""):
    return SIG + ihdr(w, h, depth, ctype) + extra + chunk(b"IDAT", zlib.compress(rows)) + IEND


def small_set(d, jpeg_path):
    def put(name, data):
        with open(f"{d}/{name}", "wb") as f:
            f.write(data)

    w, h = 64, 48
    good = png(w, h, rgb_rows(w, h))
    put("good.png", good)
    # RGBA: opaque left half, transparent right half
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += bytes((200, 30, 30, 255 if x < w // 2 else 0))
    put("alpha.png", png(w, h, bytes(rows), 8, 6))
    # 16-bit grey and a palette with tRNS (cut to 8 bits, expanded to RGB)
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += struct.pack(">H", x * 65535 // (w - 1))
    put("grey16.png", png(w, h, bytes(rows), 16, 0))
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        rows += bytes((x * 4 // w for x in range(w)))
    plte = chunk(b"PLTE", bytes((0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255)))
    trns = chunk(b"tRNS", bytes((255, 255, 255, 0)))
    put("palette.png", png(w, h, bytes(rows), 8, 3, plte + trns))

    # damaged PNGs
    i = good.index(b"IDAT")
    n = struct.unpack(">I", good[i - 4:i])[0]
    crc_at = i + 4 + n
    bad = bytearray(good)
    bad[crc_at] ^= 0xFF
    put("bad-crc.png", bytes(bad))
    bad = bytearray(good)
    bad[i + 4 + n // 2] ^= 0x55          # a data byte: the CRC no longer matches
    put("bad-data.png", bytes(bad))
    put("no-idat.png", SIG + ihdr(w, h) + IEND)
    short = rgb_rows(w, h)[: (3 * w + 1) * 10]   # 10 of 48 rows, a complete zlib stream
    put("short-idat.png", SIG + ihdr(w, h) + chunk(b"IDAT", zlib.compress(short)) + IEND)
    put("truncated.png", good[: i + 4 + n // 2])
    put("header-only.png", good[:33])
    # 20000 x 20000 declared, a few bytes on disk: one row of data and IEND
    put("huge.png", SIG + ihdr(20000, 20000) + chunk(b"IDAT", zlib.compress(b"\0" * (3 * 20000 + 1))) + IEND)
    put("not-png.png", b"GIF89a" + b"\0" * 64)

    # damaged JPEGs, made from a valid one
    with open(jpeg_path, "rb") as f:
        jpg = f.read()
    put("good.jpg", jpg)
    put("truncated.jpg", jpg[: len(jpg) // 2])
    put("garbage.jpg", b"\xff\xd8\xff" + bytes((i * 37 + 11) & 0xFF for i in range(2000)))
    sos = jpg.index(b"\xff\xda")
    bad = bytearray(jpg)
    bad[3] = 0x01                          # the first marker after SOI: 0xFF01 (TEM), not allowed here
    put("bad-marker.jpg", bytes(bad))
    bad = bytearray(jpg)
    sof = jpg.index(b"\xff\xc0")
    bad[sof + 1] = 0xC3                    # SOF3, lossless: a process libjpeg does not decode
    put("lossless.jpg", bytes(bad))
    # A marker inside the entropy-coded data (RST5 without a restart
    # interval).  JPEG has no checksum: other changed bytes there may decode
    # to wrong pixels without any sign, and cannot be found.
    bad = bytearray(jpg)
    mid = sos + (len(jpg) - sos) // 2
    bad[mid:mid + 2] = b"\xff\xd5"
    put("bad-data.jpg", bytes(bad))


def big(path, w, h):
    bands = []
    for b in range(8):
        row = bytearray(b"\0")
        for x in range(w):
            row += bytes((x * 255 // (w - 1), b * 32, 255 - b * 32 if (x // 256) % 2 else 0))
        bands.append(bytes(row))
    z = zlib.compressobj(6)
    out = [SIG, ihdr(w, h)]
    data = bytearray()
    for y in range(h):
        data += z.compress(bands[(y * 8) // h])
    data += z.flush()
    out.append(chunk(b"IDAT", bytes(data)))
    out.append(IEND)
    with open(path, "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 3:
        small_set(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
