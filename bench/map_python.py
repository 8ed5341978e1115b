#!/usr/bin/env python3
"""The Python side of bench/map.sh: the same work as `livebrief map batch` with pyproj and shapely.
For every layer in DIR (sorted by name): json.load, shapely shape, the WGS84 geodesic area with
pyproj.Geod(ellps='WGS84').geometry_area_perimeter, and against the previous layer the gained
(new minus old) and lost (old minus new) ground with shapely's difference, each part's geodesic area,
parts under 0.01 km² dropped. Prints one JSON line per layer (date, area, gained, lost) to OUT and the
total seconds on stdout.

    map_python.py DIR OUT
"""
import json
import os
import sys
import time

from pyproj import Geod
from shapely.geometry import shape

SLIVER_M2 = 0.01e6


def parts_area(geod, g):
    total = 0.0
    n = 0
    for p in getattr(g, "geoms", [g]):
        if p.is_empty or p.geom_type != "Polygon":
            continue
        a = abs(geod.geometry_area_perimeter(p)[0])
        if a >= SLIVER_M2:
            total += a
            n += 1
    return total, n


def main():
    src, out_path = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(src) if n.endswith(".geojson"))
    geod = Geod(ellps="WGS84")
    rows = []
    start = time.perf_counter()
    prev = None
    for name in names:
        with open(os.path.join(src, name), "rb") as f:
            doc = json.load(f)
        geom = shape(doc["features"][0]["geometry"])
        area = abs(geod.geometry_area_perimeter(geom)[0])
        row = {"file": name, "area_km2": area / 1e6}
        if prev is not None:
            gained, ng = parts_area(geod, geom.difference(prev))
            lost, nl = parts_area(geod, prev.difference(geom))
            row.update(gained_km2=gained / 1e6, lost_km2=lost / 1e6, gained_parts=ng, lost_parts=nl)
        rows.append(row)
        prev = geom
    took = time.perf_counter() - start
    with open(out_path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"{took:.3f}")


if __name__ == "__main__":
    main()
