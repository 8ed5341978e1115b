#!/usr/bin/env python3
"""The reference side of bench/grouping.sh: datasketch's MinHashLSH on the generated reports.

Usage: datasketch_lsh.py OUT_DIR [THRESHOLD]   (THRESHOLD defaults to 0.5)

The task, timed from the parsed texts on: words (lowercased, \\w+ runs), word 4-shingles, a MinHash of 128
permutations per report (MinHash.bulk, datasketch's fastest documented path), insert every report into a
MinHashLSH(threshold, num_perm=128) in one insertion session, then query every report. Reading and parsing the JSON is
not timed. Prints one JSON line: the phases' seconds, the bands, the recall of the true pairs (all of them, and those
whose exact resemblance reaches the threshold) and the number of distinct candidate pairs.
"""
import json
import os
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

SHINGLE = 4
NUM_PERM = 128
WORD = re.compile(r"\w+")


def shingles(text):
    w = WORD.findall(text.lower())
    if len(w) < SHINGLE:
        return [" ".join(w).encode()] if w else []
    return [" ".join(w[i:i + SHINGLE]).encode() for i in range(len(w) - SHINGLE + 1)]


def main():
    out = sys.argv[1]
    threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    ids, texts = [], []
    with open(os.path.join(out, "reports.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            ids.append(r["id"])
            texts.append(r["title"] + "\n" + r["text"])

    t0 = time.perf_counter()
    sigs = MinHash.bulk((shingles(t) for t in texts), num_perm=NUM_PERM)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in zip(ids, sigs):
            session.insert(i, m, check_duplication=False)
    t2 = time.perf_counter()
    found = [lsh.query(m) for m in sigs]
    t3 = time.perf_counter()

    cand = set()
    for i, res in zip(ids, found):
        for j in res:
            if j != i:
                cand.add((min(i, j), max(i, j)))
    total = hit = total_above = hit_above = 0
    with open(os.path.join(out, "pairs.tsv")) as f:
        for line in f:
            a, b, j = line.split()
            a, b = int(a), int(b)
            ok = (min(a, b), max(a, b)) in cand
            total += 1
            hit += ok
            if float(j) >= threshold:
                total_above += 1
                hit_above += ok
    print(json.dumps({
        "side": "datasketch", "reports": len(ids), "bands": [lsh.b, lsh.r],
        "signature_s": round(t1 - t0, 3), "insert_s": round(t2 - t1, 3), "query_s": round(t3 - t2, 3),
        "total_s": round(t3 - t0, 3), "recall": round(hit / total, 4),
        "recall_above_threshold": round(hit_above / total_above, 4), "candidate_pairs": len(cand),
    }))


if __name__ == "__main__":
    main()
