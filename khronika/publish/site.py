"""`khronika publish`: the public archive as a static website.

    from khronika.publish.site import publish_site
    report = publish_site(store, "public/", base_url="https://archive.example.org/")

The layout (every link relative, so it opens from the file system and from
any static host, under any path):

    index.html                 language chooser
    ru/index.html, en/...      persons with their latest status, filters
    ru/persons/<id>.html       one page per person: status, summary, timeline, numbered sources
    ru/trends.html             the trends chart (inline SVG) and its tables
    ru/methodology.html        what is published and how to read it
    ru/downloads.html          the exports below, with the CSV columns
    assets/                    style.css, filter.js, index-data.js
    downloads/                 khronika.json, khronika.csv, khronika.ftm.json,
                               index.json, trends.csv, timelinejs/<lang>/<id>.json
    snapshots/<sha256>.bin     archived copies of sources, where they may be
                               published (khronika/publish/citations.py)

Everything comes from one `PublicArchive` (the public gate). Pages load
nothing from other sites (a Content-Security-Policy meta tag allows only
the site's own scripts and styles); all scraped text goes through Jinja2
autoescaping. The filters run over `assets/index-data.js`, a script that
sets `window.KHRONIKA_INDEX`, because a page opened from file:// cannot
fetch() a JSON file in Chromium; `downloads/index.json` holds the same data.

The site is written into a temporary directory next to the target and then
renamed over it, so a reader (or a sync job) never sees half an archive. An
existing target is replaced only when it is empty or an earlier archive
(it holds the marker file `.khronika-archive`).
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from functools import cache, lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from khronika import views
from khronika.geo import country_name
from khronika.model import EVENT_TYPES
from khronika.person_status import display_name, person_status, place_words
from khronika.publish import exports
from khronika.publish.citations import copy_snapshots, numbered_sources
from khronika.publish.exports import N_
from khronika.publish.narrative import page_words, summary
from khronika.publish.public import PublicArchive

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
MARKER = ".khronika-archive"
LANGUAGES = ("ru", "en")
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'")

DOWNLOADS = (
    ("khronika.json", N_("JSON: documents, persons and confirmed events (the Khronika output contract)")),
    ("khronika.csv", N_("CSV: one row per fact, with its sources")),
    ("khronika.ftm.json", N_("FollowTheMoney entities, one per line (for Aleph and other tools)")),
    ("index.json", N_("JSON: the person index the filters of these pages use")),
    ("trends.csv", N_("CSV: confirmed events by month, country and type")),
)


# The words of the page frame and of the person pages, translated once per
# language and handed to the templates as `t` (a gettext call per word per
# page was a fifth of the time to render 20,000 pages).
LABELS = {
    "archive": N_("Khronika archive"), "persons": N_("Persons"), "trends": N_("Trends"),
    "methodology": N_("Methodology"), "downloads": N_("Downloads"),
    "footer": N_("Only facts confirmed by a reviewer are published; every line names its sources."),
    "generated_cap": N_("Generated"), "how_to_cite": N_("How to cite"), "captured": N_("captured"),
    "published": N_("published"), "link": N_("Link to this fact"),
    "untitled": N_("untitled document"), "no_url": N_("no public URL"), "also": N_("also"),
    "latest_status": N_("Latest status"), "countries": N_("Countries"),
    "confirmed_facts": N_("Confirmed facts"), "data": N_("Data"), "timeline": N_("Timeline"),
    "cite_as": N_("Cite as"), "generated": N_("generated"),
}


class PublishError(Exception):
    pass


# ---------------------------------------------------------------- rendering helpers

def environment(language: str) -> jinja2.Environment:
    """The Jinja2 environment of one language: autoescaping, gettext, the
    filters and labels the templates use."""
    from khronika.web import i18n
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             extensions=["jinja2.ext.i18n"], trim_blocks=False, auto_reload=False)
    catalog = i18n.translations(language)
    env.install_gettext_translations(catalog, newstyle=True)
    gettext = catalog.gettext

    @cache
    def event_label(event_type: str | None) -> str:
        return i18n.event_label(event_type, language)

    @cache
    def country(code: str | None) -> str:
        return country_name(code, language) or ""

    date = lru_cache(maxsize=100_000)(i18n.date_formatter(language))

    @cache
    def country_list(codes: tuple[str, ...]) -> str:
        return ", ".join(country(c) for c in codes)

    # Filters rather than globals: Jinja calls a filter directly, a global through the context.
    env.filters.update(event_label=event_label, country=country, date=date,
                       country_list=lambda codes: country_list(tuple(codes)),
                       # fact|place: "Алматы (Казахстан)", the country unless the place names it
                       # (English pages: the place's English name, or romanized; never Cyrillic)
                       place=lambda fact: views.place_label(place_words(fact.place, language), fact.country,
                                                            language),
                       term=lambda years: views.format_term(years, language))
    env.globals.update(csp=Markup(CSP), lang=language, t={key: gettext(msg) for key, msg in LABELS.items()},
                       w=page_words(language),
                       other_lang=next(x for x in LANGUAGES if x != language),
                       other_lang_name=LANGUAGE_NAMES[next(x for x in LANGUAGES if x != language)])
    return env


def person_context(person, language: str, snapshots: dict[str, str] | None = None) -> dict:
    """What the status, summary and source blocks of a person's page (and
    dossier) show: the status, the summary's sentences, the numbered sources
    and each fact's citation numbers."""
    sources, cites = numbered_sources(person)
    status = person_status(person.facts, language, person.gender,
                           display_name(person.name, person.name_latin, person.aliases))
    return {"status": status, "summary": summary(person, cites, status, language), "sources": sources,
            "cites": cites, "numbers": {s.document_id: s.number for s in sources}, "snapshots": snapshots or {}}


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def index_data(archive: PublicArchive) -> dict:
    """What the index filters run over (and downloads/index.json holds)."""
    return {
        "generated_at": archive.generated_at,
        "fact_fields": ["type", "country", "date"],
        "persons": [{"id": p.id, "slug": p.slug, "name": p.name, "name_latin": p.name_latin,
                     "aliases": p.aliases, "latest_type": p.latest_type, "latest_date": p.latest_date,
                     "countries": p.countries,
                     "facts": [[f.type, f.country, f.date] for f in p.facts]}
                    for p in archive.persons],
    }


def _trend_tables(rows: list[dict]) -> tuple[list[str], list[dict], list[tuple[str, int]]]:
    from khronika.web.charts import TOP_COUNTRIES
    totals = Counter()
    for r in rows:
        if r["country"]:
            totals[r["country"]] += r["count"]
    shown = [c for c, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))][:TOP_COUNTRIES]
    per_month: dict[str, Counter] = defaultdict(Counter)
    by_type: Counter = Counter()
    for r in rows:
        per_month[r["month"]][r["country"] if r["country"] in shown else None] += r["count"]
        by_type[r["type"]] += r["count"]
    month_rows = [{"month": month, "counts": [counts.get(c, 0) for c in shown], "other": counts.get(None, 0),
                   "total": sum(counts.values())} for month, counts in sorted(per_month.items())]
    order = {t: i for i, t in enumerate(EVENT_TYPES)}
    type_rows = sorted(by_type.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    return shown, month_rows, type_rows


# ---------------------------------------------------------------- the archive

def publish_site(store, out_dir: str | os.PathLike, *, base_url: str | None = None,
                 archive: PublicArchive | None = None, jobs: int = 1) -> dict:
    """Write the static archive to `out_dir` (replaced as a whole). Returns
    counts and the seconds spent per stage.

    `jobs` > 1: the downloads (JSON, CSV, FtM, TimelineJS) are written by a
    forked worker process while this one renders the pages (where the
    platform can fork; elsewhere everything runs here, one after the other).
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    target = Path(out_dir).absolute()
    _check_target(target)
    if archive is None:
        archive = PublicArchive(store)
    timings["query_s"] = time.perf_counter() - started
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        mark = time.perf_counter()
        archive.snapshots = copy_snapshots(store, archive, staging)
        timings["snapshots_s"] = time.perf_counter() - mark
        counts = _write_archive(archive, staging, base_url, timings, jobs)
        mark = time.perf_counter()
        _scan_withheld(archive, staging)
        timings["scan_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        _swap(staging, target)
        timings["swap_s"] = time.perf_counter() - mark
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings["total_s"] = time.perf_counter() - started
    return {**counts, **{k: round(v, 3) for k, v in timings.items()}, "out": str(target)}


def _scan_withheld(archive: PublicArchive, root: Path) -> None:
    """The last check: no written file names a "do not publish" person in
    any form (khronika/publish/withhold.py). Words of published persons' own
    names are not searched for (a namesake's page shows their surname)."""
    scanner = archive.withheld_scanner()
    if scanner is None:
        return
    hits = scanner.files(root)
    if hits:
        shown = "; ".join(f"{path}" for path, _ in hits[:5])
        raise PublishError(f"a withheld name is still in {len(hits)} place(s) ({shown}); "
                           "nothing was published")


def _check_target(target: Path) -> None:
    if target.exists():
        if not target.is_dir():
            raise PublishError(f"{target} exists and is not a directory")
        if any(target.iterdir()) and not (target / MARKER).exists():
            raise PublishError(f"{target} is not empty and holds no earlier archive ({MARKER}); "
                               "choose an empty or new directory")


def _swap(staging: Path, target: Path) -> None:
    os.chmod(staging, 0o755)      # mkdtemp makes it 0700; a web server must read it
    if not target.exists():
        staging.rename(target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{int(time.time())}")
    target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write(path: Path | str, text: str) -> int:
    """One small file, without the io module's buffered file object (a third
    of the cost per file when there are 40,000 of them)."""
    data = text.encode("utf-8")
    fd = os.open(path, _OPEN_FLAGS, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return len(data)


def _write_data(archive: PublicArchive, root: Path) -> dict:
    """downloads/: index.json (and assets/index-data.js), khronika.json,
    khronika.csv, trends.csv."""
    downloads = root / "downloads"
    index_json = json.dumps(index_data(archive), ensure_ascii=False, separators=(",", ":"))
    _write(downloads / "index.json", index_json)
    _write(root / "assets" / "index-data.js", f"window.KHRONIKA_INDEX = {index_json};\n")
    with open(downloads / "khronika.json", "w", encoding="utf-8") as f:
        exports.write_json(archive, f)        # compact: the C encoder
    with open(downloads / "khronika.csv", "w", encoding="utf-8", newline="") as f:
        exports.write_csv(archive, f)
    with open(downloads / "trends.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("month", "country", "type", "count"))
        writer.writerows((r["month"], r["country"] or "", r["type"], r["count"]) for r in archive.trends())
    return {}


def _write_ftm(archive: PublicArchive, root: Path) -> dict:
    with open(root / "downloads" / "khronika.ftm.json", "w", encoding="utf-8") as f:
        return {"ftm_entities": exports.write_ftm(archive, f, label=exports.event_label_en)}


def _write_timelines(archive: PublicArchive, root: Path, language: str) -> dict:
    from khronika.web.i18n import translations
    folder = root / "downloads" / "timelinejs" / language
    folder.mkdir(parents=True)
    gettext = translations(language).gettext
    dumps = json.dumps
    for person in archive.persons:
        _write(folder / f"{person.slug}.json",
               dumps(exports.timelinejs(person, language=language, gettext=gettext), ensure_ascii=False))
    return {}


# The parts of an archive, the longest first (so that two processes finish together).
PARTS = ("ftm", "pages-ru", "pages-en", "data", "timelinejs-ru", "timelinejs-en")


def _write_part(archive: PublicArchive, root: Path, part: str, base: str | None) -> dict:
    started = time.perf_counter()
    kind, _, language = part.partition("-")
    if kind == "ftm":
        result = _write_ftm(archive, root)
    elif kind == "data":
        result = _write_data(archive, root)
    elif kind == "timelinejs":
        result = _write_timelines(archive, root, language)
    else:
        result = {"pages": _write_language(archive, root, language, base)}
    return {**result, "timings": {f"{part}_s": time.perf_counter() - started}}


# What forked workers write from (set just before the fork, so that each
# child has the archive without pickling 100k facts).
_FORKED: tuple | None = None


def _write_part_forked(part: str) -> dict:
    assert _FORKED is not None
    archive, root, base = _FORKED
    return _write_part(archive, root, part, base)


def _write_archive(archive: PublicArchive, root: Path, base_url: str | None, timings: dict,
                   jobs: int = 1) -> dict:
    global _FORKED
    base = (base_url.rstrip("/") + "/") if base_url else None
    (root / MARKER).write_text("Written by `khronika publish`; the next publish replaces this directory.\n")
    (root / "assets").mkdir()
    (root / "downloads").mkdir()
    for name in ("style.css", "filter.js"):
        shutil.copyfile(STATIC / name, root / "assets" / name)

    mark = time.perf_counter()
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        _FORKED = (archive, root, base)
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(PARTS))) as pool:
                results = pool.map(_write_part_forked, PARTS, chunksize=1)
        finally:
            _FORKED = None
    else:
        results = [_write_part(archive, root, part, base) for part in PARTS]
    timings["write_s"] = time.perf_counter() - mark
    counts = {"pages": 3, "ftm_entities": 0}
    for result in results:
        timings.update(result.pop("timings"))
        for key, value in result.items():
            counts[key] += value

    # Last: the downloads page lists the files with their sizes.
    files = [{"name": name, "description": description,
              "size": _size((root / "downloads" / name).stat().st_size)} for name, description in DOWNLOADS]
    for language in LANGUAGES:
        env = environment(language)
        _write(root / language / "downloads.html", env.get_template("downloads.html").render(
            root="../", page="downloads.html", generated_at=archive.generated_at,
            canonical=f"{base}{language}/downloads.html" if base else None, files=files,
            csv_columns=[(c, exports.CSV_COLUMN_HELP[c]) for c in exports.CSV_COLUMNS]))
    _write(root / "index.html", environment("ru").get_template("chooser.html").render())
    return {"persons": len(archive.persons), "facts": sum(len(p.facts) for p in archive.persons),
            "documents": len(archive.documents), "events": len(archive.events),
            "snapshots": len(archive.snapshots), **counts}


def _write_language(archive: PublicArchive, root: Path, language: str, base: str | None) -> int:
    """The pages of one language but the downloads page; returns how many."""
    from khronika.web.charts import trends_chart
    from khronika.web.i18n import translations
    env = environment(language)
    gettext = translations(language).gettext
    folder = root / language
    persons_dir = folder / "persons"
    persons_dir.mkdir(parents=True)
    common = {"generated_at": archive.generated_at}
    stats = {"persons": len(archive.persons), "facts": sum(len(p.facts) for p in archive.persons),
             "documents": len(archive.documents)}
    trends = archive.trends()

    def page(name: str, template: str, **context) -> None:
        canonical = f"{base}{language}/{name}" if base else None
        html = env.get_template(template).render(root="../", page=name, canonical=canonical,
                                                 **common, **context)
        _write(folder / name, html)

    country = env.filters["country"]
    event_label = env.filters["event_label"]
    countries = sorted({c for p in archive.persons for c in p.countries}, key=lambda c: country(c))
    types = {f.type for p in archive.persons for f in p.facts}
    years = sorted({y for p in archive.persons for f in p.facts if f.years
                    for y in range(f.years[0], f.years[1] + 1)}, reverse=True)
    page("index.html", "index.html", persons=archive.persons, stats=stats,
         countries=[(c, country(c)) for c in countries],
         event_types=[(t, event_label(t)) for t in EVENT_TYPES if t in types], years=years)

    shown, month_rows, type_rows = _trend_tables(trends)
    chart = trends_chart(trends, gettext=gettext, language=language, country_label=country)
    page("trends.html", "trends.html", chart=chart, shown_countries=shown, month_rows=month_rows,
         type_rows=type_rows)
    page("methodology.html", "methodology.html",
         example_url=f"{base or ''}{language}/persons/<id>.html")

    person_template = env.get_template("person.html")
    for person in archive.persons:
        name = f"persons/{person.slug}.html"
        url = f"{base}{language}/{name}" if base else f"{language}/{name}"
        html = person_template.render(root="../../", page=name, canonical=url if base else None,
                                      person=person, page_url=url, base=base, **common,
                                      **person_context(person, language, archive.snapshots))
        _write(persons_dir / f"{person.slug}.html", html)
    return 3 + len(archive.persons)
