#!/usr/bin/env python3
"""Deterministic synthetic reports with known near-duplicate pairs, for bench/grouping.sh.

Usage: gen.py OUT_DIR [N]   (N defaults to 100,000)

Writes OUT_DIR/reports.jsonl ({"id", "title", "text"} per line) and OUT_DIR/pairs.tsv (id_a, id_b, exact Jaccard
resemblance of their word 4-shingle sets). Stories are drawn from a Zipf-distributed vocabulary of pseudo-words
(sentences of 8-25 words, 60-600 words a story). One story in eight is a wire story that 1-4 outlets copy with the
edits real copies show: a new headline, a byline or dateline in front, a sentence dropped or a paragraph cut off the
end, a few words changed (0-4 %), a footer. Every pair within such a family (the original and its copies) is a
true near-duplicate pair; their exact resemblance is written beside them, so recall can also be read for the pairs
above the LSH threshold. Same seed, same files, on any machine (Python's random.Random is stable across versions
for random(), randrange() and choices()).
"""
import itertools
import json
import os
import random
import sys

SHINGLE = 4


def vocabulary(rng, n):
    syll = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["ka", "lo", "mi", "ne", "ru", "sha", "tri", "vy"]
    words, seen = [], set()
    while len(words) < n:
        w = "".join(rng.choice(syll) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def shingles(text):
    w = text.lower().split()
    if len(w) < SHINGLE:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = random.Random(20250313)
    vocab = vocabulary(rng, 30_000)
    cum = list(itertools.accumulate(1.0 / (r + 1) ** 1.05 for r in range(len(vocab))))

    def sentence():
        return rng.choices(vocab, cum_weights=cum, k=rng.randint(8, 25))

    def story():
        target, sents = rng.randint(60, 600), []
        while sum(map(len, sents)) < target:
            sents.append(sentence())
        return sents

    def copy(sents):
        s = [list(x) for x in sents]
        rate = rng.uniform(0.0, 0.04)
        for x in s:
            for i in range(len(x)):
                if rng.random() < rate:
                    x[i] = rng.choices(vocab, cum_weights=cum)[0]
        if len(s) > 3 and rng.random() < 0.5:
            del s[rng.randrange(1, len(s))]
        if len(s) > 4 and rng.random() < 0.3:
            s = s[: max(3, int(len(s) * rng.uniform(0.7, 0.95)))]
        if rng.random() < 0.5:
            s.insert(0, sentence()[:rng.randint(3, 8)])
        if rng.random() < 0.3:
            s.append(sentence())
        return s

    docs, pairs = [], []
    while len(docs) < n:
        base = story()
        family = [len(docs)]
        docs.append((sentence()[:10], base))
        if rng.random() < 1 / 8:
            for _ in range(rng.randint(1, 4)):
                if len(docs) >= n:
                    break
                family.append(len(docs))
                docs.append((sentence()[:10], copy(base)))
        for a, b in itertools.combinations(family, 2):
            pairs.append((a, b))
    # Shuffle the order, so copies do not sit next to their originals.
    order = list(range(len(docs)))
    rng.shuffle(order)
    ids = {old: new for new, old in enumerate(order)}
    os.makedirs(out, exist_ok=True)
    texts = {}
    with open(os.path.join(out, "reports.jsonl"), "w") as f:
        for old in order:
            title, sents = docs[old]
            text = " ".join(" ".join(x) for x in sents)
            texts[old] = " ".join(title) + "\n" + text
            f.write(json.dumps({"id": ids[old], "title": " ".join(title), "text": text}) + "\n")
    with open(os.path.join(out, "pairs.tsv"), "w") as f:
        for a, b in pairs:
            sa, sb = shingles(texts[a]), shingles(texts[b])
            j = len(sa & sb) / len(sa | sb) if sa or sb else 1.0
            f.write(f"{ids[a]}\t{ids[b]}\t{j:.4f}\n")
    print(f"{len(docs)} reports, {len(pairs)} near-duplicate pairs -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
