#!/usr/bin/env python3
"""Writes N daily control layers (GeoJSON, one Feature with a MultiPolygon each) generated from a DeepState sample
by perturbation, deterministically (seeded): each day a few stretches of the line move in or out by up to ~1 km,
the way a front moves, and the rest of the layer stays as it was. Every layer is checked valid with shapely (a
move that would make a ring cross itself is drawn again), so both sides of bench/map.sh get the same valid input.
Outer rings stay clockwise, as in the samples.

    map_generate.py SAMPLE.geojson OUTDIR [--days 800] [--seed 9]
"""
import argparse
import datetime
import json
import math
import os
import random

from shapely.geometry import shape


def ring_normals(ring):
    n = len(ring) - 1  # closed ring: last == first
    out = []
    for i in range(n):
        (x0, y0), (x2, y2) = ring[i - 1], ring[(i + 1) % n]
        dx, dy = x2 - x0, y2 - y0
        norm = math.hypot(dx, dy) or 1.0
        out.append((dy / norm, -dx / norm))
    return out


def bump(ring, rng):
    """Moves a stretch of 6 to 60 vertices along the ring's normals by a cosine-shaped amount."""
    n = len(ring) - 1
    normals = ring_normals(ring)
    centre = rng.randrange(n)
    half = rng.randint(3, 30)
    amp = rng.choice((-1, 1)) * rng.uniform(0.0005, 0.009)  # degrees: about 50 m to 1 km
    new = [list(p) for p in ring]
    for k in range(-half, half + 1):
        i = (centre + k) % n
        w = 0.5 * (1 + math.cos(math.pi * k / (half + 1)))
        nx, ny = normals[i]
        # longitude degrees are shorter: scale so that the move is about isotropic on the ground
        new[i][0] = round(ring[i][0] + amp * w * nx / math.cos(math.radians(ring[i][1])), 6)
        new[i][1] = round(ring[i][1] + amp * w * ny, 6)
    new[n] = list(new[0])
    return new


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sample")
    ap.add_argument("outdir")
    ap.add_argument("--days", type=int, default=800)
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    doc = json.load(open(args.sample))
    geom = doc["features"][0]["geometry"]
    polys = [[[list(p[:2]) for p in ring] for ring in poly] for poly in geom["coordinates"]]
    os.makedirs(args.outdir, exist_ok=True)
    start = datetime.date(2023, 1, 1)
    vertices = sum(len(r) for p in polys for r in p)
    for day in range(args.days):
        moves = 1 + min(rng.randrange(6), rng.randrange(6))
        for _ in range(moves):
            for _attempt in range(20):
                # mostly the long ring (the front), sometimes a small one
                pi = 0 if rng.random() < 0.85 else rng.randrange(len(polys))
                ring = polys[pi][0]
                if len(ring) < 12:
                    break
                candidate = [list(r) for r in polys[pi]]
                candidate[0] = bump(ring, rng)
                trial = polys[:pi] + [candidate] + polys[pi + 1:]
                g = shape({"type": "MultiPolygon", "coordinates": trial})
                if g.is_valid:
                    polys = trial
                    break
        date = start + datetime.timedelta(days=day)
        out = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"date": date.isoformat()},
                          "geometry": {"type": "MultiPolygon", "coordinates": polys}}],
        }
        with open(os.path.join(args.outdir, f"layer-{date.isoformat()}.geojson"), "w") as f:
            json.dump(out, f, separators=(",", ":"))
    print(f"{args.days} layers of {vertices} vertices in {args.outdir}")


if __name__ == "__main__":
    main()
