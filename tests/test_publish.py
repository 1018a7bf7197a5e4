"""The public side: `khronika publish`, `export` and `dossier` over a store
full of private fixture strings (tests/publishstore.py). No mocks: a real
SQLite store, the real CLI, followthemoney's own validation, WeasyPrint's
PDF read back with pdftotext.

The central test publishes and exports everything, then scans every output
file (HTML, JS, JSON, CSV, FtM, TimelineJS, the dossier's PDF text) and
fails on any private string.
"""
from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from pgserver import store_url
from system_needs import require

sys.path.insert(0, str(Path(__file__).resolve().parent))
import publishstore
from publishstore import PRIVATE

from khronika.cli import main
from khronika.publish import exports

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(path: Path) -> str:
    require(PDFTOTEXT is not None,
            "pdftotext is needed to read the dossier PDF back (apt-get install poppler-utils)")
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True, timeout=60).stdout


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Publish and export everything the public side writes; returns the paths."""
    root = tmp_path_factory.mktemp("publish")
    fx = publishstore.build(root / "k.db")
    db = ["--db", fx.db]
    out = root / "out"
    out.mkdir()
    site = out / "site"
    assert run("publish", "--out", site, *db) == 0
    files = {"site": site}
    for fmt, name in (("json", "all.json"), ("csv", "all.csv"), ("ftm", "all.ftm.json")):
        assert run("export", "--format", fmt, "--out", out / name, *db) == 0
        files[fmt] = out / name
    # By a name in another case and script than the stored one.
    assert run("export", "--format", "json", "--person", "Емельяновой", "--out", out / "yulia.json", *db) == 0
    assert run("export", "--format", "timelinejs", "--person", "Yulia Emelyanova", "--out",
               out / "yulia.timeline.json", *db) == 0
    assert run("export", "--format", "timelinejs", "--person", "Ахмедова", "--lang", "en", "--out",
               out / "timur.timeline.json", *db) == 0
    assert run("dossier", "Емельянова", "--pdf", "--lang", "en", "--out", out / "yulia.pdf", *db) == 0
    assert run("dossier", "Емельянова", "--out", out / "yulia.dossier.html", *db) == 0
    assert run("dossier", "Ахмедов", "--pdf", "--out", out / "timur.pdf", *db) == 0
    files.update(yulia_json=out / "yulia.json", yulia_timeline=out / "yulia.timeline.json",
                 timur_timeline=out / "timur.timeline.json", pdf=out / "yulia.pdf",
                 dossier_html=out / "yulia.dossier.html", timur_pdf=out / "timur.pdf")
    # The confidential dossier is written apart: it is never part of the scan.
    private = root / "private"
    private.mkdir()
    assert run("dossier", "Емельянова", "--pdf", "--include-case-file", "--out",
               private / "yulia-confidential.pdf", *db) == 0
    return {"fx": fx, "out": out, "private": private, **files}


def output_texts(out: Path):
    """(file, text) of every output file: PDFs as pdftotext reads them."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            yield path, pdf_text(path)
        else:
            yield path, path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the scan

def store_dump(db: Path) -> str:
    """Every value of every table, as text (bytes as hex), on either backend."""
    engine = sa.create_engine(store_url(db))
    values: list[str] = []
    try:
        with engine.connect() as connection:
            for table in sa.inspect(connection).get_table_names():
                for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                    values.extend(bytes(v).hex() if isinstance(v, (bytes, memoryview))
                                  else v if isinstance(v, str)
                                  else json.dumps(v, ensure_ascii=False, default=str) for v in row)
    finally:
        engine.dispose()
    return "\n".join(values)


def test_fixture_store_holds_every_private_string(published):
    """The scan below means something only if the store really holds them."""
    dump = store_dump(published["fx"].db)
    for label, value in PRIVATE.items():
        if label == "attachment bytes":
            assert value.encode().hex().upper() in dump.upper(), label
        else:
            assert value in dump, label


def test_no_private_string_in_any_published_or_exported_file(published):
    out = published["out"]
    texts = list(output_texts(out))
    kinds = {path.suffix for path, _ in texts}
    assert {".html", ".js", ".json", ".csv", ".pdf", ".css"} <= kinds
    assert len(texts) > 20
    leaks = []
    for path, text in texts:
        unescaped = html.unescape(text)
        for label, value in PRIVATE.items():
            for haystack in (text, unescaped, str(path.relative_to(out))):
                if value.lower() in haystack.lower():
                    leaks.append(f"{path.relative_to(out)}: {label} ({value!r})")
                    break
    assert not leaks, "private strings published:\n" + "\n".join(leaks)
    # And what is public is there (the scan read the right files).
    everything = "\n".join(text for _, text in texts)
    assert "Юлия Емельянова" in everything and "Тимур Ахмедов" in everything
    for sha in published["fx"].hashes:
        assert sha in everything


def test_do_not_publish_names_are_withheld_from_other_persons_sources(published):
    page = (published["site"] / "ru" / "persons" / "p-yulia.html").read_text(encoding="utf-8")
    assert "Суд в Астане выдал Юлию Емельянову России вместе с […]." in page
    assert "Выдача Емельяновой; […] тоже задержан" in page


# ---------------------------------------------------------------- the site

def test_site_layout_languages_and_no_external_resources(published):
    site = published["site"]
    for relative in ("index.html", "assets/style.css", "assets/filter.js", "assets/index-data.js",
                     "downloads/index.json", "downloads/khronika.json", "downloads/khronika.csv",
                     "downloads/khronika.ftm.json", "downloads/trends.csv",
                     "downloads/timelinejs/ru/p-yulia.json", "downloads/timelinejs/en/p-timur.json"):
        assert (site / relative).is_file(), relative
    for language in ("ru", "en"):
        for page in ("index.html", "trends.html", "methodology.html", "downloads.html",
                     "persons/p-yulia.html", "persons/p-timur.html"):
            assert (site / language / page).is_file(), f"{language}/{page}"
    assert not (site / "ru" / "persons" / f"{PRIVATE['do-not-publish id']}.html").exists()
    assert sorted(p.name for p in (site / "ru" / "persons").iterdir()) == ["p-timur.html", "p-yulia.html"]
    assert (site / ".khronika-archive").is_file()
    # No temporary or old directories left next to the site.
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".")) == []

    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in text, page
        assert "default-src 'none'; script-src 'self'; style-src 'self'" in text, page
        for tag, attribute, value in re.findall(r"<(\w+)[^>]*?\b(src|href)=\"([^\"]*)\"", text):
            if value.startswith(("http://", "https://", "//")):
                # Only links to the sources themselves leave the site.
                assert tag == "a" and value in {"https://news.example/kz-1", "https://news.example/kg-1?a=1&amp;b=2"}, \
                    (page, tag, value)
            if tag in ("script", "link", "img"):
                assert not value.startswith(("http", "//", "data:")), (page, value)


def test_pages_escape_scraped_text(published):
    page = (published["site"] / "en" / "persons" / "p-timur.html").read_text(encoding="utf-8")
    assert "<script>window.__xss" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    for path in published["site"].rglob("*.html"):
        assert "<script>window.__xss" not in path.read_text(encoding="utf-8"), path
    timeline = json.loads(published["timur_timeline"].read_text(encoding="utf-8"))
    text = timeline["events"][0]["text"]["text"]
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_person_page_has_every_source_with_url_capture_time_and_hash(published):
    page = (published["site"] / "ru" / "persons" / "p-yulia.html").read_text(encoding="utf-8")
    assert page.count('<li class="fact"') == 3
    assert 'href="https://news.example/kz-1"' in page
    assert "2026-01-28T12:00:00+00:00" in page
    for sha in published["fx"].hashes[:2]:
        assert f'<code class="hash">{sha}</code>' in page
    assert "нет публичного адреса" in page          # the document known only by a path on disk
    assert "27 января 2026" in page and "экстрадирован(а)" in page
    english = (published["site"] / "en" / "persons" / "p-yulia.html").read_text(encoding="utf-8")
    assert "27 January 2026" in english and "extradited" in english


def test_index_data_and_trends(published):
    site = published["site"]
    script = (site / "assets" / "index-data.js").read_text(encoding="utf-8")
    assert script.startswith("window.KHRONIKA_INDEX = ")
    data = json.loads(script[len("window.KHRONIKA_INDEX = "):].rstrip().rstrip(";"))
    assert data == json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    by_slug = {p["slug"]: p for p in data["persons"]}
    assert set(by_slug) == {"p-yulia", "p-timur"}
    assert sorted(map(tuple, by_slug["p-yulia"]["facts"])) == [
        ("detained", "KZ", "2026-01-27"), ("extradited", "KZ", "2026-02-09"), ("sentenced", None, "2025")]
    trends = (site / "ru" / "trends.html").read_text(encoding="utf-8")
    assert "<svg" in trends and 'id="by-month"' in trends
    rows = list(csv.DictReader((site / "downloads" / "trends.csv").open(encoding="utf-8")))
    assert {(r["month"], r["country"], r["type"], r["count"]) for r in rows} == {
        ("2025-03", "KG", "detained", "1"), ("2026-01", "KZ", "detained", "1"),
        ("2026-02", "KZ", "extradited", "1")}


# ---------------------------------------------------------------- exports

def test_json_export_follows_the_contract_with_public_fields_only(published):
    data = json.loads(published["json"].read_text(encoding="utf-8"))
    assert set(data) == {"documents", "persons", "events"}
    assert {p["id"] for p in data["persons"]} == {"p-yulia", "p-timur"}
    assert sorted(e["id"] for e in data["events"]) == sorted(published["fx"].confirmed)
    for document in data["documents"]:
        assert set(document) == {"id", "url", "title", "source", "language", "published", "captured_at",
                                 "sha256"}
    assert any(d["url"] is None for d in data["documents"])
    for event in data["events"]:
        assert {"id", "person", "type", "date", "date_text", "place", "charge", "document", "evidence",
                "confidence"} <= set(event)
    assert "attributes" not in data["persons"][0]
    one = json.loads(published["yulia_json"].read_text(encoding="utf-8"))
    assert [p["id"] for p in one["persons"]] == ["p-yulia"]
    assert {e["person"] for e in one["events"]} == {"p-yulia"}
    site_copy = json.loads((published["site"] / "downloads" / "khronika.json").read_text(encoding="utf-8"))
    assert site_copy == data


def test_csv_export_reads_with_the_documented_columns(published):
    with published["csv"].open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == exports.CSV_COLUMNS
        rows = list(reader)
    assert set(exports.CSV_COLUMN_HELP) == set(exports.CSV_COLUMNS)
    docs = Path(__file__).resolve().parents[1] / "docs" / "publish.md"
    for column in exports.CSV_COLUMNS:
        assert f"`{column}`" in docs.read_text(encoding="utf-8"), f"{column} is not documented"
    assert len(rows) == 4
    by_type = {(r["person_id"], r["type"]): r for r in rows}
    detained = by_type[("p-yulia", "detained")]
    assert detained["date"] == "2026-01-27" and detained["country"] == "KZ"
    assert detained["source_url"] == "https://news.example/kz-1"
    assert detained["source_sha256"] == published["fx"].hashes[0]
    assert detained["evidence"] == publishstore.S_DETAINED
    assert detained["source_count"] == "1"
    sources = json.loads(by_type[("p-yulia", "extradited")]["sources_json"])
    assert [s["url"] for s in sources] == [None] and sources[0]["sha256"] == published["fx"].hashes[1]
    assert by_type[("p-yulia", "sentenced")]["date"] == "2025"
    # A cell a spreadsheet would run as a formula is defused.
    assert exports._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and exports._cell("Алматы") == "Алматы"


def test_ftm_export_validates_with_followthemoney(published):
    from followthemoney import model
    lines = published["ftm"].read_text(encoding="utf-8").splitlines()
    entities = [json.loads(line) for line in lines]
    by_schema: dict[str, list[dict]] = {}
    for data in entities:
        # Re-parse with full cleaning: nothing may be dropped or changed, and the schema validates.
        proxy = model.get_proxy(data, cleaned=False)
        again = proxy.to_dict()
        assert {k: sorted(v) for k, v in again["properties"].items()} == \
            {k: sorted(v) for k, v in data["properties"].items()}, data["id"]
        proxy.schema.validate(again)
        by_schema.setdefault(proxy.schema.name, []).append(data)
    assert {k: len(v) for k, v in by_schema.items()} == {"Person": 2, "Event": 4, "Article": 3,
                                                          "Documentation": 4}
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for event in by_schema["Event"]:
        assert set(event["properties"]["involved"]) <= ids
    for link in by_schema["Documentation"]:
        assert set(link["properties"]["entity"]) <= ids and set(link["properties"]["document"]) <= ids
    yulia = next(p for p in by_schema["Person"] if "Юлия Емельянова" in p["properties"]["name"])
    assert "Yulia Emelyanova" in yulia["properties"]["name"] and yulia["properties"]["gender"] == ["female"]
    extradited = next(e for e in by_schema["Event"] if e["properties"].get("summary") == ["extradited"])
    assert extradited["properties"]["date"] == ["2026-02-09"] and extradited["properties"]["country"] == ["kz"]
    articles = {a["id"]: a for a in by_schema["Article"]}
    assert any(published["fx"].hashes[0] in a["properties"]["description"][0] for a in articles.values())
    # The followthemoney command line agrees (`ftm validate` re-parses every entity).
    ftm = Path(sys.executable).with_name("ftm")
    if ftm.exists():
        result = subprocess.run([str(ftm), "validate", "-i", str(published["ftm"])], capture_output=True,
                                text=True, encoding="utf-8", check=True, timeout=120)
        assert len([line for line in result.stdout.splitlines() if line.strip()]) == len(entities)


def test_timelinejs_export(published):
    data = json.loads(published["yulia_timeline"].read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"] == "Юлия Емельянова"
    starts = [e["start_date"] for e in data["events"]]
    assert [{k: v for k, v in s.items() if k != "display_date"} for s in starts] == [
        {"year": 2025}, {"year": 2026, "month": 1, "day": 27}, {"year": 2026, "month": 2, "day": 9}]
    assert all(e["text"]["headline"] for e in data["events"])
    assert publishstore.S_DETAINED in data["events"][1]["text"]["text"]
    assert published["fx"].hashes[0] in data["events"][1]["text"]["text"]


def test_cli_refuses_what_is_not_public(published, tmp_path):
    db = ["--db", published["fx"].db]
    assert run("export", "--format", "timelinejs", *db) == 2                       # needs --person
    assert run("export", "--format", "json", "--person", "Скрытнов", "--out", tmp_path / "x.json", *db) == 1
    assert run("export", "--format", "json", "--person", "Непроверенный", "--out", tmp_path / "y.json", *db) == 1
    assert run("dossier", "Скрытнов", "--pdf", "--out", tmp_path / "z.pdf", *db) == 1
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "z.pdf").exists()


def test_publish_replaces_an_archive_but_nothing_else(published, tmp_path):
    db = ["--db", published["fx"].db]
    other = tmp_path / "not-an-archive"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    assert run("publish", "--out", other, *db) == 2
    assert (other / "keep.txt").read_text() == "mine"
    site = tmp_path / "site"
    assert run("publish", "--out", site, "--jobs", "1", "--base-url", "https://archive.example/", *db) == 0
    first = (site / "index.html").stat().st_ino
    assert run("publish", "--out", site, *db) == 0
    assert (site / "index.html").stat().st_ino != first          # a new tree, renamed into place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-an-archive", "site"]


def test_base_url_gives_canonical_links(published, tmp_path):
    site = tmp_path / "site"
    assert run("publish", "--out", site, "--jobs", "1", "--base-url", "https://archive.example/kh",
               "--db", published["fx"].db) == 0
    page = (site / "en" / "persons" / "p-yulia.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://archive.example/kh/en/persons/p-yulia.html">' in page


# ---------------------------------------------------------------- the dossier

def test_dossier_pdf_holds_the_timeline_and_the_hashes(published):
    text = pdf_text(published["pdf"])
    flat = " ".join(text.split())
    assert "Юлия Емельянова" in flat and "Yulia Emelyanova" in flat
    for line in ("27 January 2026", "9 February 2026", "2025", "detained", "extradited", "sentenced"):
        assert line in flat, line
    for sentence in (publishstore.S_DETAINED, "В 2025 году Юлию Емельянову заочно приговорили к шести годам колонии."):
        assert sentence in flat, sentence
    for sha in published["fx"].hashes[:2]:
        assert sha in text, sha                   # whole, on one line
    assert "https://news.example/kz-1" in flat
    assert "2026-01-28T12:00:00+00:00" in flat
    # The generated summary: a paragraph in the reader's language, citing the numbered sources.
    assert "On 27 January 2026, she was detained in Almaty, Kazakhstan [" in flat
    assert "3 facts confirmed by reviewers, from 2 sources" in flat
    assert "extradited on 9 February 2026" in flat                  # the status header
    assert "CONFIDENTIAL" not in flat
    timur = " ".join(pdf_text(published["timur_pdf"]).split())
    assert "<script>window.__xss=1</script>" in timur          # shown as text, not run
    assert published["fx"].hashes[2] in timur


def test_confidential_dossier_adds_the_case_file(published):
    text = " ".join(pdf_text(published["private"] / "yulia-confidential.pdf").split())
    assert "КОНФИДЕНЦИАЛЬНО" in text
    assert PRIVATE["case summary"] in text
    assert "24 декабря 2031" in text
    # Still never the notes, tasks, deadlines or attachments.
    for label in ("note", "task", "deadline", "attachment name", "reviewer"):
        assert PRIVATE[label] not in text, label
