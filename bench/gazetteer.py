"""The gazetteer's cost inside extraction: first-use load and find_places throughput.

    python bench/gazetteer.py [--corpus PATH] [--mb 2] [--repeat 3]

In one fresh process: the import of khronika.geo (Babel's country names),
then warm_up() (data/places.tsv into lookup tables), with the resident
memory both add; then find_places over a Russian report repeated to about
--mb megabytes of UTF-8, first pass and best of --repeat. The last line is
machine-readable:

    load_s=L find_mb_per_s=F rss_mb=R

Targets: load_s <= 0.5, rss_mb <= 60, find_mb_per_s >= 3.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus" / "kz-extraditions-2026.ru.txt"


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:          # Linux: resident pages
        return int(f.read().split()[1]) * 4096 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rss_before = _rss_mb()
    started = time.perf_counter()
    from khronika import geo
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    geo.warm_up()
    load_s = time.perf_counter() - started
    rss_mb = _rss_mb() - rss_before

    sample = args.corpus.read_text(encoding="utf-8")
    copies = max(1, round(args.mb * 1e6 / len(sample.encode("utf-8"))))
    text = "\n\n".join([sample] * copies)
    size_mb = len(text.encode("utf-8")) / 1e6

    started = time.perf_counter()
    matches = geo.find_places(text)
    first_s = time.perf_counter() - started
    best = first_s
    for _ in range(args.repeat):
        started = time.perf_counter()
        geo.find_places(text)
        best = min(best, time.perf_counter() - started)
    per_copy = len(geo.find_places(sample))

    print(f"import khronika.geo: {import_s:.3f} s; warm_up: {load_s:.3f} s; resident memory +{rss_mb:.1f} MB")
    print(f"text: {size_mb:.2f} MB ({copies} copies of {args.corpus.name}), {len(matches)} places "
          f"({per_copy} a copy); first pass {first_s:.3f} s, best of {args.repeat} {best:.3f} s")
    print(f"load_s={load_s:.3f} find_mb_per_s={size_mb / best:.1f} rss_mb={rss_mb:.1f}")


if __name__ == "__main__":
    main()
