"""Draws the gold sample of documents for the metadata accuracy test (see README.md here).

Usage: python3 sample.py CORPUS_DIR > sample.tsv
Stratified by folder with a fixed seed; prints `stratum<TAB>path` lines, paths relative to the
corpus root. The annotations in gold.jsonl were written by reading each listed file.
"""
import os
import random
import re
import sys

SEED = 21
root = sys.argv[1]
files = []
for d, subdirs, names in os.walk(root):
    subdirs.sort()
    for n in sorted(names):
        files.append(os.path.relpath(os.path.join(d, n), root).replace(os.sep, "/"))
rng = random.Random(SEED)
chosen = []


def take(stratum, pool, n):
    pool = sorted(p for p in pool if p not in chosen)
    for p in rng.sample(pool, min(n, len(pool))):
        chosen.append(p)
        print(f"{stratum}\t{p}")


def under(prefix):
    return [f for f in files if f.startswith(prefix)]


take("symposium", under("symposium/"), 1)
take("gov-reports", under("gov-reports/"), 12)
take("encodings", under("encodings/"), 5)
take("formats", ["formats/README.md"], 1)
take("formats-pending", [f for f in under("formats/") if f.endswith((".html", ".docx", ".pdf"))], 6)
cn = {}
for f in under("laws-cn/"):
    parts = f.split("/")
    key = "/".join(parts[:3]) if parts[1] == "地方法规" else "/".join(parts[:2])
    cn.setdefault(key, []).append(f)
cn_total = sum(len(v) for v in cn.values())
for key in sorted(cn):
    take(key, cn[key], max(2, round(85 * len(cn[key]) / cn_total)))
tw = {}
for f in under("laws-tw/"):
    tw.setdefault("/".join(f.split("/")[:2]), []).append(f)
tw_total = sum(len(v) for v in tw.values())
for key in sorted(tw):
    take(key, tw[key], max(2, round(50 * len(tw[key]) / tw_total)))
groups = {}
for f in under("laws-cn/"):
    stem = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", f.rsplit("/", 1)[-1][: -len(".md")])
    groups.setdefault(stem, []).append(f)
versioned = [f for stem, fs in groups.items() if len(fs) > 1 and stem != "_index" for f in fs]
take("laws-cn versions", versioned, 12)
