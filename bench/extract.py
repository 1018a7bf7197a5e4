#!/usr/bin/env python3
"""Extraction throughput and memory: Khronika against bare Natasha, on the same text.

    python bench/extract.py            # the sample article repeated to >= 2 MB
    python bench/extract.py --mb 5     # >= 5 MB
    python bench/extract.py --quick    # >= 0.2 MB, a smoke run

The input is the sample article (corpus/kz-extraditions-2026.ru.txt, else
../shared/eval/corpus/) repeated as many documents of the article's size as it
takes to reach the size asked for; each copy gets a counter line appended, so
every document has its own text, hash and id.  All three measurements run in
this one process, on the same documents:

  natasha       Segmenter + NewsMorphTagger + NewsNERTagger over each document
                (what Khronika's extraction is built on: the floor it adds to);
  khronika x1   khronika.pipeline.extract_documents(docs, jobs=1);
  khronika x2   khronika.pipeline.extract_documents(docs, jobs=2).

Model loading is excluded from every timing: each is warmed up on one extra
document first.  For jobs=2 the bench makes the pipeline's pool itself
(extract_documents(..., pool=...)), warms it with a few documents per worker,
times the run on the warm pool, then shuts it down; the time to end the pool
(workers exit) is in the timing, its start-up is not.

Throughput is the UTF-8 size of the documents' text in KB (1024 bytes) per
second of wall time.  The last line is machine-readable:

    vs_natasha_1proc=R1 vs_natasha_2proc=R2 rss_mb=M

R1, R2 = Khronika KB/s / Natasha KB/s; M = peak RSS of the whole process tree
in MB (see peak_tree_rss_mb below for what exactly it counts).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import os
import platform
import resource
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

ARTICLE = "kz-extraditions-2026.ru.txt"
CANDIDATES = [ROOT / "corpus" / ARTICLE, ROOT.parent / "shared" / "eval" / "corpus" / ARTICLE]

MB = 1024 * 1024


def find_article() -> Path:
    for path in CANDIDATES:
        if path.is_file():
            return path
    sys.exit("bench: sample article not found in: " + ", ".join(str(p) for p in CANDIDATES))


def english_articles() -> tuple[Path, str]:
    """The bundled English reports, joined: the English side of the benchmark."""
    folder = ROOT / "corpus" / "en"
    paths = sorted(folder.glob("*.en.*"))
    if not paths:
        sys.exit(f"bench: no English reports in {folder}")
    from khronika.readers import read_paths
    texts = [d.text for d in read_paths(paths) if hasattr(d, "text")]
    return folder, "\n\n".join(texts)


def make_documents(path: Path, size_mb: float, text: str | None = None, language: str = "ru"):
    """Documents of the article's size, >= size_mb in all, each with a counter line."""
    from khronika.model import Document

    article = (text if text is not None else path.read_text(encoding="utf-8")).rstrip("\n")
    captured = datetime.now(UTC).replace(microsecond=0).isoformat()

    def doc(i: int, label: str):
        text = f"{article}\n\n{label}\n"
        raw = text.encode("utf-8")
        sha = hashlib.sha256(raw).hexdigest()
        return Document(id=sha[:16], path=f"{path}#{label}", text=text, sha256=sha,
                        captured_at=captured, raw=raw, title=None, language=language,
                        media_type="text/plain")

    target = int(size_mb * MB)
    docs, total, i = [], 0, 0
    while total < target:
        i += 1
        d = doc(i, f"Копия {i}." if language == "ru" else f"Copy {i}.")
        docs.append(d)
        total += len(d.raw)
    warm = [doc(-k, f"Прогрев {k}." if language == "ru" else f"Warm-up {k}.") for k in range(1, 9)]
    return docs, warm, total


# --- peak RSS ---------------------------------------------------------------

def _kb(ru_maxrss: int) -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    return ru_maxrss / 1024 if sys.platform == "darwin" else float(ru_maxrss)


class TreeRssSampler:
    """Samples the summed RSS of this process and all its descendants (Linux /proc).

    Used while the pool runs: getrusage(RUSAGE_CHILDREN) only knows about
    children that have already exited and been waited for, so a pool that is
    still alive at the end of the run would be invisible to it.
    """

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak_kb = 0.0
        self.available = os.path.isdir("/proc/self")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page_kb = os.sysconf("SC_PAGE_SIZE") / 1024 if self.available else 0

    def _tree_rss_kb(self) -> float:
        me = os.getpid()
        parent_of: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may contain spaces and parentheses.
            parent_of[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree, frontier = {me}, [me]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parent_of.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        total = 0.0
        for pid in tree:
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * self._page_kb
            except OSError:
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self._tree_rss_kb())
            self._stop.wait(self.interval)

    def start(self):
        if self.available:
            self._thread.start()

    def stop(self):
        if self.available:
            if self._thread.is_alive():
                self._stop.set()
                self._thread.join()
            self.peak_kb = max(self.peak_kb, self._tree_rss_kb())


def peak_tree_rss_mb(jobs: int, sampled_kb: float) -> tuple[float, float, float, float]:
    """Peak RSS of the whole process tree, in MB.

    getrusage(RUSAGE_SELF).ru_maxrss is the peak resident set of this process
    (the parent: it ran bare Natasha and the jobs=1 extraction, and it holds
    the documents for every phase).  getrusage(RUSAGE_CHILDREN).ru_maxrss is
    NOT a sum: it is the peak RSS of the largest single child (or descendant)
    that has exited and been waited for, i.e. of one pool worker once the pool
    is closed.  The `jobs` workers run side by side with the parent, so the
    tree's peak is estimated as parent peak + jobs x largest worker peak: an
    upper bound, since the peaks need not coincide.  The /proc sampler that
    runs during the jobs=2 phase measures the tree's sum directly; the larger
    of the two is reported.  RSS counts pages shared between processes (copy-
    on-write pages of forked workers, mapped model files) once per process, so
    the real memory use is lower than this sum, never higher.

    Returns (tree_mb, self_mb, largest_child_mb, sampled_mb).
    """
    self_kb = _kb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    child_kb = _kb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    estimate_kb = self_kb + jobs * child_kb if child_kb else 0.0
    tree_kb = max(self_kb, estimate_kb, sampled_kb)
    return tree_kb / 1024, self_kb / 1024, child_kb / 1024, sampled_kb / 1024


# --- the measurements -------------------------------------------------------

def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its reaped children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_natasha(docs, warm) -> tuple[float, float]:
    from natasha import Doc, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    segmenter = Segmenter()
    emb = NewsEmbedding()
    morph = NewsMorphTagger(emb)
    ner = NewsNERTagger(emb)

    def analyse(text: str) -> int:
        d = Doc(text)
        d.segment(segmenter)
        d.tag_morph(morph)
        d.tag_ner(ner)
        return len(d.spans)

    analyse(warm[0].text)
    gc.collect()
    cpu, start = cpu_seconds(), time.perf_counter()
    spans = sum(analyse(d.text) for d in docs)
    elapsed = time.perf_counter() - start
    print(f"  natasha: {spans} NER spans", file=sys.stderr)
    return elapsed, cpu_seconds() - cpu


def make_pool(pipeline, jobs: int):
    """The pipeline's own worker pool, made here so that it is started and warmed
    before the clock runs and shut down (its workers reaped) after."""
    import inspect

    if "pool" not in inspect.signature(pipeline.extract_documents).parameters:
        return None
    factory = getattr(pipeline, "_pool", None)
    if callable(factory):
        return factory(jobs)
    from concurrent.futures import ProcessPoolExecutor

    from khronika.nlp import warm_up
    return ProcessPoolExecutor(max_workers=jobs, initializer=warm_up)


def run_khronika(pipeline, docs, warm, jobs: int, sampler=None) -> tuple[float, float]:
    extract = pipeline.extract_documents
    kwargs = {}
    pool = make_pool(pipeline, jobs) if jobs > 1 else None
    if pool is not None:
        kwargs["pool"] = pool
    try:
        # Warm-up: one document in-process; for a pool, a few per worker, so that
        # every worker has started and loaded its models.
        extract(warm[: 4 * jobs] if jobs > 1 else warm[:1], jobs=jobs, **kwargs)
        gc.collect()
        if sampler is not None:
            sampler.start()
        cpu, start = cpu_seconds(), time.perf_counter()
        results = extract(docs, jobs=jobs, **kwargs)
        elapsed = time.perf_counter() - start
        if pool is not None:
            pool.shutdown(wait=True)   # reaps the workers: their CPU and RSS become visible
            pool = None
        cpu = cpu_seconds() - cpu
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if len(results) != len(docs):
        sys.exit(f"bench: extract_documents returned {len(results)} results for {len(docs)} documents")
    persons = sum(len(r.persons) for r in results)
    events = sum(len(r.events) for r in results)
    print(f"  khronika jobs={jobs}: {persons} person mentions, {events} events", file=sys.stderr)
    return elapsed, cpu


def close_pools(pipeline) -> None:
    """If the pipeline keeps a pool of its own between calls, let it close it (and
    so reap its workers, whose peak RSS getrusage then counts)."""
    fn = getattr(pipeline, "shutdown", None)
    if callable(fn):
        fn()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=2.0, help="size of the input in MB (default 2)")
    ap.add_argument("--quick", action="store_true", help="0.2 MB: a smoke run")
    args = ap.parse_args(argv)
    size_mb = 0.2 if args.quick else args.mb

    article = find_article()
    docs, warm, total = make_documents(article, size_mb)
    kb = total / 1024
    print(f"input: {len(docs)} documents x {len(docs[0].raw)} bytes = {total / MB:.2f} MB "
          f"(from {article.name}); Python {platform.python_version()}, {os.cpu_count()} CPUs",
          file=sys.stderr)

    rows = []
    t_nat, c_nat = run_natasha(docs, warm)
    nat = kb / t_nat
    rows.append(("natasha (segment+morph+NER)", t_nat, c_nat, nat))

    try:
        from khronika import pipeline
        if not hasattr(pipeline, "extract_documents"):
            raise ImportError("khronika.pipeline has no extract_documents")
    except ImportError as exc:
        print_table(rows, nat)
        print(f"bench: khronika.pipeline.extract_documents is not available ({exc}); "
              f"only bare Natasha was measured", file=sys.stderr)
        return 1

    t1, c1 = run_khronika(pipeline, docs, warm, jobs=1)
    rows.append(("khronika extract, 1 process", t1, c1, kb / t1))
    sampler = TreeRssSampler()
    try:
        t2, c2 = run_khronika(pipeline, docs, warm, jobs=2, sampler=sampler)
    finally:
        sampler.stop()
    close_pools(pipeline)
    # CPU counts the parent, plus the workers when their pool ended within the timing.
    rows.append(("khronika extract, 2 processes", t2, c2, kb / t2))

    # English: no bare-library baseline exists (no English NER ships offline),
    # so its throughput is reported beside the Russian one, same machine, same run.
    en_folder, en_text = english_articles()
    en_docs, en_warm, en_total = make_documents(en_folder, size_mb, en_text, language="en")
    en_kb = en_total / 1024
    t_en1, c_en1 = run_khronika(pipeline, en_docs, en_warm, jobs=1)
    rows.append(("khronika extract EN, 1 process", t_en1, c_en1, en_kb / t_en1))
    t_en2, c_en2 = run_khronika(pipeline, en_docs, en_warm, jobs=2)
    rows.append(("khronika extract EN, 2 processes", t_en2, c_en2, en_kb / t_en2))
    close_pools(pipeline)

    tree_mb, self_mb, child_mb, sampled_mb = peak_tree_rss_mb(2, sampler.peak_kb)
    print_table(rows, nat)
    print(f"english_kbs_1proc={en_kb / t_en1:.1f} english_kbs_2proc={en_kb / t_en2:.1f} "
          f"russian_kbs_1proc={kb / t1:.1f} russian_kbs_2proc={kb / t2:.1f}")
    print(f"peak RSS: parent {self_mb:.0f} MB, largest reaped worker {child_mb:.0f} MB, "
          f"sampled tree during jobs=2 {sampled_mb:.0f} MB -> whole tree {tree_mb:.0f} MB")
    r1, r2 = (kb / t1) / nat, (kb / t2) / nat
    print(f"vs_natasha_1proc={r1:.2f} vs_natasha_2proc={r2:.2f} rss_mb={tree_mb:.0f}")
    return 0


def print_table(rows, nat: float) -> None:
    print(f"{'run':<32} {'seconds':>9} {'cpu s':>9} {'KB/s':>9} {'vs natasha':>11}")
    for name, seconds, cpu, rate in rows:
        print(f"{name:<32} {seconds:>9.2f} {cpu:>9.2f} {rate:>9.1f} {rate / nat:>11.2f}")


if __name__ == "__main__":
    sys.exit(main())
