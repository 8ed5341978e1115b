#!/usr/bin/env python3
"""Builds crates/nlp/data/given-names.txt: common given names and the gender they are given to, for the reader's
pronouns ("she" is not Marco Rubio).

Data: the 1990 US Census given-name frequency lists (public domain), as shipped in the PyPI package names 0.3.0
(MIT; files names/dist.female.first and names/dist.male.first). A name in both lists takes the gender it is at
least four times as frequent for, else it is left out (Jordan, Leslie, Marion). Names rarer than 0.002 per cent
are left out.

Run: python3 scripts/build-given-names.py   (needs pip and the PyPI registry; writes the file in place)
Lines: name (lowercase) TAB f|m.
"""
import os, subprocess, sys, tarfile, tempfile

VERSION = "0.3.0"
MIN_PERCENT = 0.002
RATIO = 4.0
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "crates", "nlp", "data", "given-names.txt")


def read(tar, member):
    out = {}
    for line in tar.extractfile(member).read().decode("ascii").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0].lower()] = float(parts[1])
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", tmp,
                        f"names=={VERSION}"], check=True)
        sdist = [f for f in os.listdir(tmp) if f.startswith("names-") and f.endswith(".tar.gz")][0]
        with tarfile.open(os.path.join(tmp, sdist)) as tar:
            female = read(tar, f"names-{VERSION}/names/dist.female.first")
            male = read(tar, f"names-{VERSION}/names/dist.male.first")
    rows = []
    for name in sorted(set(female) | set(male)):
        f, m = female.get(name, 0.0), male.get(name, 0.0)
        if max(f, m) < MIN_PERCENT:
            continue
        if f >= RATIO * m:
            rows.append((name, "f"))
        elif m >= RATIO * f:
            rows.append((name, "m"))
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# Given names and the gender they are given to: the 1990 US Census given-name lists (public domain)\n")
        out.write(f"# via the PyPI package names {VERSION}; built by scripts/build-given-names.py.\n")
        for name, g in rows:
            out.write(f"{name}\t{g}\n")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
