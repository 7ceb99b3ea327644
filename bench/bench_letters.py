"""Bulk letters benchmark: personalised one-page Japanese letters, fast path vs a plain loop.

    .venv/bin/python bench/bench_letters.py                 # 4,500 letters, both ways
    .venv/bin/python bench/bench_letters.py --count 300     # iterate quickly

In the same run it renders the same letters (the 本人通知 apology, one page each) three ways:
  plain   one HTML(...).write_pdf() per letter, a fresh FontConfiguration and stylesheet each
          (what one writes first), one PDF per letter;
  split   incidents.documents.bulk.write_letters: one PDF per letter, both cores;
  merged  the same with --merge: one PDF with every letter.
It prints letters/second, the speed-up over the plain loop, the peak resident memory of the
process tree (parent + workers, sampled) and the output size. Output goes to bench/out/.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    """Samples the resident memory of this process and its children every 100 ms."""

    def __init__(self):
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
        pids, total = [os.getpid()], 0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4500, help="letters per way (default 4,500)")
    parser.add_argument("--plain-count", type=int, default=None,
                        help="letters for the plain loop (default: --count); fewer gives an estimate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "letters")
    args = parser.parse_args()
    plain_count = args.plain_count or args.count

    run = LetterRun(kind="notice_affected", lang="ja", incident=samples.incident(mistake_type="bcc_exposure"),
                    letterhead=samples.letterhead(), extras=samples.extras(), issued_on=date(2025, 6, 20))
    people = samples.people(args.count)
    shutil.rmtree(args.out, ignore_errors=True)
    results = {}

    # Plain loop: one HTML(...).write_pdf() per letter.
    composer = LetterComposer(run)
    css_text = font_css() + "\n" + CSS_FILE.read_text(encoding="utf-8")
    plain_dir = args.out / "plain"
    plain_dir.mkdir(parents=True)
    htmls = [composer.renderer.html(composer.kind, "ja", composer.context(composer.view(p)))
             for p in people[:plain_count]]
    with PeakRSS() as mem:
        started = time.perf_counter()
        for i, html in enumerate(htmls):
            font_config = FontConfiguration()
            css = CSS(string=css_text, font_config=font_config, url_fetcher=composer.renderer.fetcher)
            HTML(string=html, url_fetcher=composer.renderer.fetcher).write_pdf(
                plain_dir / f"{i + 1:05d}.pdf", stylesheets=[css], font_config=font_config)
        seconds = time.perf_counter() - started
    results["plain"] = (plain_count, seconds, mem.peak, dir_size(plain_dir))
    del htmls, composer

    for mode in ("split", "merged"):
        out = args.out / mode
        with PeakRSS() as mem:
            started = time.perf_counter()
            result = write_letters(run, people, out, merge=(mode == "merged"), workers=args.workers)
            seconds = time.perf_counter() - started
        results[mode] = (args.count, seconds, mem.peak, result.bytes)

    base_rate = results["plain"][0] / results["plain"][1]
    print(f"\n{args.count:,} personalised one-page Japanese letters, {args.workers} workers"
          f" (plain loop on {plain_count:,})")
    print(f"{'way':8} {'letters':>8} {'seconds':>9} {'ms/letter':>10} {'letters/s':>10} {'× plain':>8}"
          f" {'peak RSS MB':>12} {'output MB':>10} {'KB/letter':>10}")
    for mode, (n, sec, peak, size) in results.items():
        rate = n / sec
        print(f"{mode:8} {n:8,} {sec:9.1f} {1000 * sec / n:10.1f} {rate:10.1f} {rate / base_rate:8.1f}"
              f" {peak / 2**20:12.0f} {size / 2**20:10.1f} {size / n / 1024:10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
