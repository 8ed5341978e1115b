#!/usr/bin/env python3
"""Checks `livebrief map area` against Python's GeographicLib (Karney's own implementation, from PyPI:
`pip install geographiclib`) on GeoJSON layers: the layer's WGS84 geodesic area, outer rings less holes,
each ring through Geodesic.WGS84.Polygon(). Fails when any file differs by more than 0.01 km².

    scripts/check-map-areas.py [--bin target/debug/livebrief] FILE.geojson...
    scripts/check-map-areas.py ../shared/data/deepstate/*.geojson
"""
import argparse
import json
import subprocess
import sys

from geographiclib.geodesic import Geodesic


def rings_of(geom):
    t = geom["type"]
    if t == "Polygon":
        yield geom["coordinates"]
    elif t == "MultiPolygon":
        yield from geom["coordinates"]
    elif t == "GeometryCollection":
        for g in geom["geometries"]:
            yield from rings_of(g)


def geographiclib_km2(doc):
    geoms = []
    if doc["type"] == "FeatureCollection":
        geoms = [f["geometry"] for f in doc["features"] if f.get("geometry")]
    elif doc["type"] == "Feature":
        geoms = [doc["geometry"]] if doc.get("geometry") else []
    else:
        geoms = [doc]
    total = 0.0
    for g in geoms:
        for poly in rings_of(g):
            for i, ring in enumerate(poly):
                p = Geodesic.WGS84.Polygon()
                pts = ring[:-1] if ring[0] == ring[-1] else ring
                for c in pts:
                    p.AddPoint(c[1], c[0])
                _, _, area = p.Compute(False, True)
                total += abs(area) * (1 if i == 0 else -1)
    return total / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/livebrief")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    bad = 0
    for f in args.files:
        want = geographiclib_km2(json.load(open(f)))
        out = subprocess.run([args.bin, "map", "area", "--json", f], capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)["area_km2"]
        ok = abs(got - want) <= 0.01
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {f}: livebrief {got:.4f} km², GeographicLib {want:.4f} km², diff {got - want:+.6f}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
