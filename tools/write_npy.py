#!/usr/bin/env python3
"""tools/write_npy.py OUT DESCR SHAPE VALUES... [--version 1|2|3]: writes a NumPy .npy file
without NumPy (numpy.lib.format's layout: magic, version, little-endian header length, a dict
literal padded with spaces to a multiple of 64 bytes ending in a newline, then the data in C
order). SHAPE is comma-separated ('' for a scalar). For tests and fuzz seeds of the reader in
sim/workload/wl_npy.c."""
import struct
import sys

FORMATS = {"|b1": "?", "|i1": "b", "|u1": "B", "<i2": "h", "<u2": "H", "<i4": "i", "<u4": "I",
           "<i8": "q", "<u8": "Q", "<f2": "e", "<f4": "f", "<f8": "d"}


def npy_bytes(descr, shape, values, version=1):
    shape_text = "(" + "".join("%d, " % s for s in shape).rstrip(" ")
    if len(shape) > 1:
        shape_text = shape_text.rstrip(",")
    shape_text += ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    lenbytes = 2 if version == 1 else 4
    total = 6 + 2 + lenbytes + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    out = b"\x93NUMPY" + bytes([version, 0])
    out += struct.pack("<H" if version == 1 else "<I", len(header))
    out += header.encode("ascii")
    kind = FORMATS[descr]
    out += b"".join(struct.pack("<" + kind, (bool(v) if kind == "?" else
                                              float(v) if kind in "efd" else int(v)))
                    for v in values)
    return out


def main():
    args = sys.argv[1:]
    version = 1
    if "--version" in args:
        i = args.index("--version")
        version = int(args[i + 1])
        del args[i:i + 2]
    out, descr, shape = args[0], args[1], args[2]
    dims = [int(s) for s in shape.split(",") if s]
    with open(out, "wb") as f:
        f.write(npy_bytes(descr, dims, args[3:], version))


if __name__ == "__main__":
    main()
