"""Bulk letters benchmark: personalised one-page Japanese letters, fast path vs a plain loop.

    .venv/bin/python bench/bench_letters.py                 # 4,500 letters, both ways
    .venv/bin/python bench/bench_letters.py --count 300     # iterate quickly

In the same run it renders the same letters (the 本人通知 apology, one page each) three ways:
  plain   one HTML(...).write_pdf() per letter, a fresh FontConfiguration and stylesheet each
          (what one writes first), one PDF per letter;
  split   incidents.documents.bulk.write_letters: one PDF per letter, both cores;
  merged  the same with --merge: one PDF with every letter.
Each way runs in a fresh process. It prints letters/second, the speed-up over the plain loop, the
peak resident memory of that way's process tree (parent + workers, sampled every 100 ms) and the
output size. Output goes to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from incidents.documents import samples  # noqa: E402
from incidents.documents.bulk import LetterComposer, LetterRun, write_letters  # noqa: E402
from incidents.documents.render import CSS_FILE, font_css  # noqa: E402


class PeakRSS:
    """Samples the resident memory of a process and its children every 100 ms."""

    def __init__(self, pid: int | None = None):
        self.pid = pid or os.getpid()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
        return out

    def sample(self) -> int:
        pids, total = [self.pid], 0
        while pids:
            pid = pids.pop()
            total += self._rss(pid)
            pids.extend(self._children(pid))
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            time.sleep(0.1)

    def __enter__(self):
        self.peak = self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*.pdf"))


def letter_run() -> LetterRun:
    return LetterRun(kind="notice_affected", lang="ja", incident=samples.incident(mistake_type="bcc_exposure"),
                     letterhead=samples.letterhead(), extras=samples.extras(), issued_on=date(2025, 6, 20))


def run_way(way: str, count: int, workers: int, out: Path) -> dict:
    """One way, in this (fresh) process; returns letters, seconds and output bytes."""
    run = letter_run()
    people = samples.people(count)
    shutil.rmtree(out, ignore_errors=True)
    if way == "plain":
        composer = LetterComposer(run)
        css_text = font_css() + "\n" + CSS_FILE.read_text(encoding="utf-8")
        out.mkdir(parents=True)
        htmls = [composer.renderer.html(composer.kind, "ja", composer.context(composer.view(p))) for p in people]
        started = time.perf_counter()
        for i, html in enumerate(htmls):  # one HTML(...).write_pdf() per letter, nothing shared
            font_config = FontConfiguration()
            css = CSS(string=css_text, font_config=font_config, url_fetcher=composer.renderer.fetcher)
            HTML(string=html, url_fetcher=composer.renderer.fetcher).write_pdf(
                out / f"{i + 1:05d}.pdf", stylesheets=[css], font_config=font_config)
        seconds = time.perf_counter() - started
        return {"letters": count, "seconds": seconds, "bytes": dir_size(out)}
    started = time.perf_counter()
    result = write_letters(run, people, out, merge=(way == "merged"), workers=workers)
    return {"letters": count, "seconds": time.perf_counter() - started, "bytes": result.bytes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4500, help="letters per way (default 4,500)")
    parser.add_argument("--plain-count", type=int, default=None,
                        help="letters for the plain loop (default: --count); fewer gives an estimate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "letters")
    parser.add_argument("--way", choices=["plain", "split", "merged"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:  # a child: run one way and report as JSON
        print(json.dumps(run_way(args.way, args.count, args.workers, args.out)))
        return 0
    plain_count = args.plain_count or args.count
    results = {}
    for way in ("plain", "split", "merged"):
        count = plain_count if way == "plain" else args.count
        cmd = [sys.executable, __file__, "--way", way, "--count", str(count), "--workers", str(args.workers),
               "--out", str(args.out / way)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        with PeakRSS(proc.pid) as mem:  # each way in a fresh process: its own memory, nothing inherited
            stdout, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{way} failed")
        r = json.loads(stdout.strip().splitlines()[-1])
        results[way] = (r["letters"], r["seconds"], mem.peak, r["bytes"])

    base_rate = results["plain"][0] / results["plain"][1]
    print(f"\n{args.count:,} personalised one-page Japanese letters, {args.workers} workers"
          f" (plain loop on {plain_count:,}); load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'way':8} {'letters':>8} {'seconds':>9} {'ms/letter':>10} {'letters/s':>10} {'× plain':>8}"
          f" {'peak RSS MB':>12} {'output MB':>10} {'KB/letter':>10}")
    for mode, (n, sec, peak, size) in results.items():
        rate = n / sec
        print(f"{mode:8} {n:8,} {sec:9.1f} {1000 * sec / n:10.1f} {rate:10.1f} {rate / base_rate:8.1f}"
              f" {peak / 2**20:12.0f} {size / 2**20:10.1f} {size / n / 1024:10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
