"""Anonymiser throughput: sentences per second, against a plain regex pass measured in the same run.

    .venv/bin/python bench/bench_anonymize.py [--sentences 3000] [--repeat 3]

Corpus: the sentences of the labelled set in tests/nearmiss/labelled_set.json (Japanese and English
incident texts, dense with names, addresses and numbers), cycled to the requested count. Each sentence
is anonymised on its own with a fresh Anonymizer (the worst case: no reuse of labels or compiled
record values). Target: 500 sentences per second or more.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MARK = re.compile(r"\{\{[a-z_]+\|(.*?)\}\}")
SPLIT = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z])")
# The baseline: one pass of plain regular expressions for mail addresses, URLs and digit runs.
BASELINE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|\d[\d\-\s]{5,}\d")


def corpus(n: int) -> list[str]:
    data = json.loads((ROOT / "tests/nearmiss/labelled_set.json").read_text(encoding="utf-8"))
    sentences = []
    for case in data["cases"]:
        plain = MARK.sub(r"\1", case["text"])
        sentences += [s.strip() for s in SPLIT.split(plain) if s.strip()]
    return [sentences[i % len(sentences)] for i in range(n)]


def rate(fn, items, repeat) -> float:
    """Sentences per second of CPU time (the process's own: the figure a busy shared machine does not skew),
    median over the repeats; the wall-clock rate goes to WALL."""
    cpu, wall = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for s in items:
            fn(s)
        cpu.append(len(items) / max(time.process_time() - c0, 1e-9))
        wall.append(len(items) / (time.perf_counter() - t0))
    WALL.append(statistics.median(wall))
    return statistics.median(cpu)


WALL: list[float] = []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from incidents.nearmiss.anonymize import Anonymizer, anonymize
    from incidents.nearmiss.anonymize.names_ja import tokenize

    tokenize("辞書を読み込む。")
    cold = time.perf_counter() - t0
    items = corpus(args.sentences)
    ja = [s for s in items if re.search(r"[ぁ-んァ-ヶ一-龥]", s)]
    en = [s for s in items if s not in ja]
    shared = Anonymizer()

    baseline = rate(lambda s: BASELINE.sub("[X]", s), items, args.repeat)
    analyser = rate(tokenize, items, args.repeat)
    full = rate(anonymize, items, args.repeat)
    full_ja = rate(anonymize, ja, args.repeat)
    full_en = rate(anonymize, en, args.repeat)
    reused = rate(shared.anonymize, items, args.repeat)

    print(f"corpus: {len(items)} sentences ({len(ja)} Japanese, {len(en)} English), "
          f"mean {statistics.mean(len(s) for s in items):.0f} characters")
    print(f"import + dictionary load: {cold * 1000:.0f} ms")
    print(f"{'baseline regex pass':<38}{baseline:>12,.0f} sentences/s")
    print(f"{'Sudachi tokenize only':<38}{analyser:>12,.0f} sentences/s  ({analyser / baseline:.3f} x baseline)")
    print(f"{'anonymize (fresh per sentence)':<38}{full:>12,.0f} sentences/s  ({full / baseline:.3f} x baseline)")
    print(f"{'  Japanese only':<38}{full_ja:>12,.0f} sentences/s")
    print(f"{'  English only':<38}{full_en:>12,.0f} sentences/s")
    print(f"{'anonymize (one Anonymizer reused)':<38}{reused:>12,.0f} sentences/s  ({reused / baseline:.3f} x baseline)")
    print(f"(rates per second of CPU time; wall clock, same order: {', '.join(f'{w:,.0f}' for w in WALL)})")
    print(f"target 500 sentences/s: {'met' if full >= 500 else 'NOT met'} ({full / 500:.1f} x target)")


if __name__ == "__main__":
    main()
