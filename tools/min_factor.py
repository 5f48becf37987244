#!/usr/bin/env python3
"""tools/min_factor.py: reads `flopwatt validate --json` (two chips) on stdin and prints the
smallest m such that multiplying each component class of the modelled energy per MAC
(arithmetic, registers, sram, wires, leakage_clock) by some factor in [1/m, m], the same factor
for both chips, puts both within their passing ranges (pass_pj_per_mac_min .. _max).

The (chip 0, chip 1) energies reachable with factors in [1/m, m] form a zonotope: its centre is
the sum of the class energies times (m + 1/m)/2, its generators the class energies times
(m - 1/m)/2. Both chips can pass iff the zonotope meets the rectangle of passing energies
(convex polygon clipped against the rectangle's four half-planes). Feasibility grows with m,
so m is found by bisection. With --grid N it instead searches factors 10^(i/N), |i| <= 2N, by
brute force (the check used by tests/cli/validate_gap.sh)."""
import itertools
import json
import math
import sys

CLASSES = ["arithmetic", "registers", "sram", "wires", "leakage_clock"]


def zonotope(centre, gens):
    """Vertices of centre + sum of [-1, 1] g, counter-clockwise."""
    up = [g if g[1] > 0 or (g[1] == 0 and g[0] > 0) else (-g[0], -g[1]) for g in gens]
    up.sort(key=lambda g: math.atan2(g[1], g[0]))
    p = (centre[0] - sum(g[0] for g in up), centre[1] - sum(g[1] for g in up))
    verts = []
    for g in up + [(-g[0], -g[1]) for g in up]:
        verts.append(p)
        p = (p[0] + 2 * g[0], p[1] + 2 * g[1])
    return verts


def clip(poly, axis, limit, keep_above):
    """Sutherland-Hodgman: the part of poly on one side of the line x[axis] = limit."""
    def inside(p):
        return p[axis] >= limit if keep_above else p[axis] <= limit

    def cross(a, b):
        t = (limit - a[axis]) / (b[axis] - a[axis])
        return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

    out = []
    for i in range(len(poly)):
        a, b = poly[i - 1], poly[i]
        if inside(b):
            if not inside(a):
                out.append(cross(a, b))
            out.append(b)
        elif inside(a):
            out.append(cross(a, b))
    return out


def feasible(m, e0, e1, box):
    lo, hi = 1 / m, m
    centre = (sum(e0) * (lo + hi) / 2, sum(e1) * (lo + hi) / 2)
    gens = [(a * (hi - lo) / 2, b * (hi - lo) / 2) for a, b in zip(e0, e1)]
    poly = zonotope(centre, gens)
    for axis, limit, above in ((0, box[0], True), (0, box[1], False), (1, box[2], True),
                               (1, box[3], False)):
        poly = clip(poly, axis, limit, above)
        if not poly:
            return False
    return True


def grid(n, e0, e1, box):
    steps = [10 ** (i / n) for i in range(-2 * n, 2 * n + 1)]
    best = None
    for f in itertools.product(steps, repeat=len(e0)):
        a = sum(x * y for x, y in zip(f, e0))
        b = sum(x * y for x, y in zip(f, e1))
        if box[0] <= a <= box[1] and box[2] <= b <= box[3]:
            m = max(max(x, 1 / x) for x in f)
            best = m if best is None else min(best, m)
    return best


def main():
    chips = json.load(sys.stdin)
    if len(chips) != 2:
        sys.exit("min_factor.py: expected two chips")
    e0 = [chips[0]["pj_per_mac"][c] for c in CLASSES]
    e1 = [chips[1]["pj_per_mac"][c] for c in CLASSES]
    box = (chips[0]["pass_pj_per_mac_min"], chips[0]["pass_pj_per_mac_max"],
           chips[1]["pass_pj_per_mac_min"], chips[1]["pass_pj_per_mac_max"])
    if len(sys.argv) == 3 and sys.argv[1] == "--grid":
        print(grid(int(sys.argv[2]), e0, e1, box))
        return
    lo, hi = 1.0, 1e6
    if not feasible(hi, e0, e1, box):
        print("no factors up to 1e6 pass both chips")
        return
    if feasible(lo, e0, e1, box):
        hi = lo
    while hi / lo > 1 + 1e-9:
        mid = math.sqrt(lo * hi)
        lo, hi = (lo, mid) if feasible(mid, e0, e1, box) else (mid, hi)
    print(f"smallest change that passes both {chips[0]['chip']} and {chips[1]['chip']}: every "
          f"component class multiplied by a factor within [1/{hi:.3g}, {hi:.3g}] (the same "
          f"factor in both chips)")


main()
