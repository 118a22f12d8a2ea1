#!/usr/bin/env python3
"""Writes clipped_scalp.png (issue 20): a 128x64 8-bit RGB PNG, no ICC profile.

Left half (x 0..63): skin (200, 150, 130) with dark follicle dots (60, 40, 30), 8x8 px every 16 px.
Right half (x 64..127): pure white (255, 255, 255), every pixel at the 8-bit maximum, i.e. clipped
for the measurement (decode.hpp: saturated() is 255 at >= 254). A scalp region there has no usable
pixel at all. Only the Python standard library: python3 make_clipped_scalp.py clipped_scalp.png
"""
import struct
import sys
import zlib

W, H = 128, 64


def pixel(x, y):
    if x >= 64:
        return (255, 255, 255)
    if x % 16 < 8 and y % 16 < 8:
        return (60, 40, 30)
    return (200, 150, 130)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + bytes(c for x in range(W) for c in pixel(x, y)) for y in range(H))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
with open(sys.argv[1], "wb") as f:
    f.write(png)
