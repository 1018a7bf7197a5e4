"""The extraction scored against the gold annotations of the bundled corpus,
with the project's shared scorer (../shared/eval/score.py beside the checkout).

Each floor is a little under what the extractor measures today, so a change
that makes extraction worse on any file fails here."""
import importlib.util
import json
from pathlib import Path

import pytest

from khronika.pipeline import contract_json, extract_documents, read_documents
from khronika.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT / "eval" / "gold"

# file -> (event_f1 floor, date_accuracy floor)
FLOORS = {
    "kz-extraditions-2026.ru.txt": (0.95, 0.90),
    "kg-deserter-2025.ru.md": (0.80, 0.90),
    "am-journalist-2024.ru.html": (0.85, 0.90),
    "ge-activists-2025.ru.txt": (0.85, 0.70),
    "tr-asylum-2025.ru.txt": (0.85, 0.90),
    "news-feed-2026.jsonl": (0.85, 0.75),
    "telegram-channel/result.json": (0.90, 0.70),
    # English reports
    "en/am-deserters-2025.en.txt": (0.80, 0.70),
    "en/kz-dubrovin-2025.en.md": (0.75, 0.80),
    "en/me-zhuravleva-2025.en.md": (0.80, 0.90),
    "en/uz-tretyakov-2026.en.md": (0.85, 0.85),
    # the same cases in both languages
    "mixed/kg-eremeeva-ru-2025.ru.txt": (0.90, 0.90),
    "mixed/kg-eremeeva-en-2025.en.md": (0.90, 0.90),
    "mixed/th-dyachenko-ru-2026.ru.txt": (0.85, 0.90),
    "mixed/th-dyachenko-en-2026.en.md": (0.90, 0.75),
    "mixed/tr-gasanbekov-ru-2025.ru.txt": (0.85, 0.80),
    "mixed/tr-gasanbekov-en-2025.en.md": (0.85, 0.90),
}


@pytest.fixture(scope="module")
def scorer():
    if not SCORER.exists():
        pytest.skip(f"the shared scorer is not at {SCORER}")
    spec = importlib.util.spec_from_file_location("khronika_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gold_for(name: str) -> Path:
    stem = Path(name).name.split(".")[0]
    return GOLD / f"{stem}.gold.json"


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corpus_file_meets_its_floor(scorer, name):
    docs, failures = read_documents([str(ROOT / "corpus" / name)])
    assert not failures
    extractions = extract_documents(docs)
    result = contract_json(extractions, resolve(extractions))
    gold = scorer.merge([json.loads(_gold_for(name).read_text(encoding="utf-8"))])
    metrics = scorer.score(gold, result)
    f1_floor, date_floor = FLOORS[name]
    assert metrics["subject_recall"] == 1.0, metrics
    assert metrics["false_subjects"] == 0, metrics
    assert metrics["event_f1"] >= f1_floor, metrics
    assert metrics["date_accuracy"] >= date_floor, metrics


def test_sample_article_meets_the_issue_acceptance(scorer):
    """Issue 2, acceptance 2, on the shared copy of the sample article."""
    article = ROOT.parent / "shared" / "eval" / "corpus" / "kz-extraditions-2026.ru.txt"
    docs, _ = read_documents([str(article)])
    extractions = extract_documents(docs)
    result = contract_json(extractions, resolve(extractions))
    gold = scorer.merge([json.loads((ROOT.parent / "shared" / "eval" / "kz-extraditions-2026.gold.json")
                                    .read_text(encoding="utf-8"))])
    m = scorer.score(gold, result)
    assert (m["subject_recall"], m["false_subjects"]) == (1.0, 0)
    assert m["event_f1"] >= 0.85 and m["date_accuracy"] >= 0.85, m
