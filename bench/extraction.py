#!/usr/bin/env python3
"""Side-by-side article extraction on ../shared/data/extraction: livebrief against trafilatura 2.3.1.

Scores both with the benchmark's metric (`livebrief eval-extraction`, and an independent Python version of the
same metric that must agree), and times both on one core in the same run: pages are read into memory first,
then each extractor's extraction call alone is timed.

    pip install trafilatura lxml_html_clean      # the peer
    python3 bench/extraction.py [--livebrief target/release/livebrief] [--rounds 3]
"""
import argparse, gzip, json, os, re, resource, subprocess, sys, tempfile, time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "extraction"))

def tokens(text):
    return re.findall(r"\w+", text or "")

def shingles(toks):
    if not toks:
        return Counter()
    if len(toks) < 4:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + 4]) for i in range(len(toks) - 3))

def score(truth, pred):
    """The metric of ../shared/data/extraction/README.md, written from its text, independently of the Rust one."""
    ps, rs, exact = [], [], 0
    for k, t in truth.items():
        tt, pt = tokens(t), tokens(pred.get(k, ""))
        exact += tt == pt
        ts, pss = shingles(tt), shingles(pt)
        tp = sum(min(c, pss[s]) for s, c in ts.items())
        fn = sum(max(0, c - pss[s]) for s, c in ts.items())
        fp = sum(max(0, c - ts[s]) for s, c in pss.items())
        total = tp + fp + fn
        tp, fp, fn = (x / total if total else 0 for x in (tp, fp, fn))
        both_zero = fp == 0 and fn == 0
        if tp + fp > 0:
            ps.append(1.0 if both_zero else tp / (tp + fp))
        if tp + fn > 0:
            rs.append(1.0 if both_zero else tp / (tp + fn))
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0, "accuracy": exact / len(truth)}

def rust_score(livebrief, truth_path, pred_path):
    out = subprocess.run([livebrief, "eval-extraction", "--truth", truth_path, "--predictions", pred_path],
                         check=True, capture_output=True, text=True).stdout
    m = dict(re.findall(r"(precision|recall|F1|accuracy) ([0-9.]+)", out))
    return {"precision": float(m["precision"]), "recall": float(m["recall"]), "f1": float(m["F1"]), "accuracy": float(m["accuracy"])}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--livebrief", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "target")), "release", "livebrief"))
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds for each extractor (best is kept)")
    ap.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    args = ap.parse_args()
    truth_path = os.path.join(DATA, "ground-truth.json")
    gt = json.load(open(truth_path))
    truth = {k: v["articleBody"] for k, v in gt.items()}
    pages = {k: gzip.open(os.path.join(DATA, "html", k + ".html.gz")).read() for k in gt}
    tmp = tempfile.mkdtemp(prefix="lb-extract-")
    rows = []

    # livebrief: its batch mode reads the pages first and reports its extraction time alone.
    lb_pred = os.path.join(tmp, "livebrief.jsonl")
    best = None
    for _ in range(args.rounds):
        err = subprocess.run([args.livebrief, "extract", "--batch", os.path.join(DATA, "html"), "--urls", truth_path, "--out", lb_pred],
                             check=True, capture_output=True, text=True).stderr
        m = re.search(r"([0-9.]+) s of extraction \(([0-9]+) pages/s.*peak RSS ([0-9.?]+) MiB", err)
        secs, rss = float(m.group(1)), m.group(3)
        best = secs if best is None else min(best, secs)
    preds = {json.loads(l)["id"]: json.loads(l)["text"] for l in open(lb_pred)}
    py, rs = score(truth, preds), rust_score(args.livebrief, truth_path, lb_pred)
    assert all(abs(py[k] - rs[k]) < 1e-3 for k in py), f"metric implementations disagree: {py} vs {rs}"
    rows.append(("livebrief", rs, len(pages) / best, f"{rss} MiB (whole process)"))

    if not args.no_peer:
        import trafilatura
        tr_pred = os.path.join(tmp, "trafilatura.jsonl")
        best = None
        for _ in range(args.rounds):
            out = {}
            t0 = time.process_time()
            for k, html in pages.items():
                out[k] = trafilatura.extract(html, url=gt[k]["url"]) or ""
            secs = time.process_time() - t0
            best = secs if best is None else min(best, secs)
        with open(tr_pred, "w") as f:
            for k, text in out.items():
                f.write(json.dumps({"id": k, "text": text}) + "\n")
        py, rs = score(truth, out), rust_score(args.livebrief, truth_path, tr_pred)
        assert all(abs(py[k] - rs[k]) < 1e-3 for k in py), f"metric implementations disagree: {py} vs {rs}"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((f"trafilatura {trafilatura.__version__}", rs, len(pages) / best, f"{peak:.0f} MiB (Python process)"))

    print(f"\n{len(pages)} pages, {sum(map(len, pages.values())) / 1e6:.1f} MB of HTML, one core, best of {args.rounds} rounds\n")
    print(f"| extractor | precision | recall | F1 | accuracy | pages/s | vs trafilatura | peak RSS |")
    print(f"|---|---|---|---|---|---|---|---|")
    peer = rows[-1][2] if len(rows) > 1 else None
    for name, s, pps, rss in rows:
        ratio = f"{pps / peer:.1f}×" if peer else "-"
        print(f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['accuracy']:.4f} | {pps:,.0f} | {ratio} | {rss} |")

if __name__ == "__main__":
    main()
