#!/usr/bin/env python3
"""Builds crates/cluster/data/df-prior.tsv.gz: general-language word frequencies of English, Ukrainian and Russian,
in the grouper's own term form, as the background prior of its document frequencies.

Source: the 'small' word lists of the PyPI package wordfreq 3.1.1 (Robyn Speer; code Apache-2.0, data CC BY-SA 4.0),
`wordfreq/data/small_{en,uk,ru}.msgpack.gz`: words whose frequency is at least one in a million tokens, grouped in
buckets of whole centibels (bucket i holds the words of frequency 10^(-i/100)).

What the script does to them, so that a line is what livebrief-cluster counts:
- a word is split and lowercased as the crate's `text::words` does (runs of letters and digits; apostrophes inside a
  word dropped, "пʼятниця" -> "пятниця"); words with a digit are left out (wordfreq folds digits to 0);
- the crate's function words (`src/stop.rs`) are left out: the grouper never counts them;
- each word is cut to its first 6 characters (the crate's default `Config::stem`), and the frequencies of the words
  that share a stem are added up: the frequency of the stem as a term;
- the three languages go into one list; a stem found in more than one takes its highest frequency (a stem common in
  any language the briefings are written in is no sign of an event);
- each line is `stem<TAB>centibels`, the frequency as -100·log10(f) rounded (0 = every token, 600 = one in a
  million), sorted by stem.

Run: python3 scripts/build-df-prior.py   (needs pip and the PyPI registry; writes the file in place, byte-identical
on every run)
"""
import gzip, io, math, os, re, subprocess, sys, tempfile, zipfile

VERSION = "3.1.1"
LANGS = ["en", "uk", "ru"]
STEM = 6
HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.join(HERE, "..", "crates", "cluster")
OUT = os.path.join(CRATE, "data", "df-prior.tsv.gz")


def stop_words():
    src = open(os.path.join(CRATE, "src", "stop.rs"), encoding="utf-8").read()
    body = src.split("const STOP: &[&str] = &[", 1)[1].split("];", 1)[0]
    return set(re.findall(r'"([^"]*)"', body))


APOSTROPHES = "'\u2019\u02bc"


def words(token):
    """The crate's `text::words` of one token."""
    out, buf = [], []
    for i, c in enumerate(token):
        if c.isalnum():
            buf.append(c.lower())
        elif c in APOSTROPHES and buf and i + 1 < len(token) and token[i + 1].isalnum():
            pass
        elif buf:
            out.append("".join(buf))
            buf = []
    if buf:
        out.append("".join(buf))
    return out


def main():
    import msgpack  # wordfreq's own format; Debian's python3-msgpack or pip's msgpack

    stop = stop_words()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", tmp, f"wordfreq=={VERSION}"],
            check=True,
        )
        wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
        best = {}
        with zipfile.ZipFile(wheel) as z:
            for lang in LANGS:
                raw = gzip.decompress(z.read(f"wordfreq/data/small_{lang}.msgpack.gz"))
                data = msgpack.unpackb(raw, raw=False, strict_map_key=False)
                header, buckets = data[0], data[1:]
                assert header.get("format") == "cB", header
                freq = {}
                for i, bucket in enumerate(buckets):
                    f = 10 ** (-i / 100)
                    for token in bucket:
                        for w in words(token):
                            if w in stop or any(c.isdigit() for c in w):
                                continue
                            s = w[:STEM]
                            freq[s] = freq.get(s, 0.0) + f
                for s, f in freq.items():
                    best[s] = max(best.get(s, 0.0), f)
    lines = []
    for s in sorted(best, key=lambda x: x.encode("utf-8")):
        cb = min(600, max(0, round(-100 * math.log10(best[s]))))
        lines.append(f"{s}\t{cb}\n")
    buf = io.BytesIO()
    # mtime 0: the same input gives the same bytes.
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as g:
        g.write("".join(lines).encode("utf-8"))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(buf.getvalue())
    print(f"{OUT}: {len(lines)} stems, {len(buf.getvalue())} bytes")


if __name__ == "__main__":
    main()
