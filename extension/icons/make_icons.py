#!/usr/bin/env python3
"""Draws Postguard's toolbar/store icons (a blue shield with a white check) as PNGs.

Standard library only (zlib + struct PNG writer, 4x4 supersampling for smooth edges).
Run from anywhere: python3 extension/icons/make_icons.py
"""
import math
import os
import struct
import zlib

SIZES = (16, 32, 48, 128)
FILL = (31, 94, 200)      # shield
EDGE = (16, 52, 120)      # shield outline
CHECK = (255, 255, 255)   # check mark


def bezier(p0, p1, p2, steps=24):
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
            for t in (i / steps for i in range(steps + 1))]


# The shield outline in unit coordinates (x right, y down).
SHIELD = ([(0.5, 0.04), (0.88, 0.17), (0.88, 0.46)]
          + bezier((0.88, 0.46), (0.86, 0.80), (0.5, 0.97))[1:]
          + bezier((0.5, 0.97), (0.14, 0.80), (0.12, 0.46))[1:]
          + [(0.12, 0.17)])
CHECK_PATH = [(0.30, 0.52), (0.45, 0.67), (0.72, 0.36)]


def inside(poly, x, y):
    result = False
    j = len(poly) - 1
    for i in range(len(poly)):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def seg_dist(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def edge_dist(poly, x, y):
    return min(seg_dist(x, y, poly[i - 1], poly[i]) for i in range(len(poly)))


def render(size):
    ss = 4
    edge_w = max(0.045, 1.2 / size)
    check_w = max(0.065, 1.4 / size)
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) / size
                    y = (py + (sy + 0.5) / ss) / size
                    if not inside(SHIELD, x, y):
                        continue
                    if min(seg_dist(x, y, CHECK_PATH[0], CHECK_PATH[1]),
                           seg_dist(x, y, CHECK_PATH[1], CHECK_PATH[2])) < check_w:
                        c = CHECK
                    elif edge_dist(SHIELD, x, y) < edge_w:
                        c = EDGE
                    else:
                        c = FILL
                    acc[0] += c[0]
                    acc[1] += c[1]
                    acc[2] += c[2]
                    acc[3] += 1
            n = acc[3]
            if n == 0:
                row += bytes((0, 0, 0, 0))
            else:
                row += bytes((round(acc[0] / n), round(acc[1] / n), round(acc[2] / n), round(255 * n / (ss * ss))))
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for size in SIZES:
        path = os.path.join(here, f"icon-{size}.png")
        with open(path, "wb") as f:
            f.write(png(size, render(size)))
        print(path)


if __name__ == "__main__":
    main()
