"""Tests for khronika.language: document and paragraph language detection."""
from __future__ import annotations

from pathlib import Path

import pytest

from khronika import language
from khronika.model import Document
from khronika.readers import detect_language, read_paths

# All texts written for these tests (no real persons or events).
TEXTS = {
    "ru": "Вчера вечером в аэропорту Еревана пограничники задержали российского журналиста, "
          "который уехал из страны после начала мобилизации. Его адвокат говорит, что запрос "
          "об экстрадиции пришёл из Москвы ещё в прошлом году.",
    "en": "Border guards at Yerevan airport detained a Russian journalist on Tuesday evening. "
          "He left Russia after the mobilisation was announced, and his lawyer says Moscow asked "
          "for his extradition last year.",
    "uk": "Вчора в Одесі прикордонники затримали російського журналіста, який виїхав з Росії "
          "після оголошення мобілізації. Його адвокатка каже, що запит про екстрадицію надійшов "
          "ще минулого року, а суд розгляне справу наступного тижня.",
    "be": "Учора ў Мінску затрымалі журналіста, які пісаў пра палітычных вязняў. Яго адвакат "
          "кажа, што справу ўзбудзілі яшчэ ў мінулым годзе.",
    "kk": "Кеше Алматы әуежайында шекарашылар Ресейден келген журналисті ұстады. Оның адвокаты "
          "Мәскеу өткен жылы экстрадиция туралы сұрау жіберген деп мәлімдеді.",
    "es": "Ayer por la tarde la policía detuvo en el aeropuerto de Madrid a un periodista ruso "
          "que había huido de su país después de la movilización. Su abogada afirma que Moscú "
          "pidió su extradición el año pasado.",
    "tr": "Dün akşam İstanbul Havalimanı'nda polis, seferberlikten sonra ülkesini terk eden Rus "
          "bir gazeteciyi gözaltına aldı. Avukatı, Moskova'nın geçen yıl iadesini talep ettiğini söyledi.",
    "de": "Die Polizei hat am Dienstag am Flughafen Frankfurt einen russischen Journalisten "
          "festgenommen, der nach der Mobilmachung aus seinem Land geflohen war.",
}

# Short sentences, where a detector has the least to go on.
SHORT = {
    "ru": "Адвокат обжалует это решение в суде.",
    "en": "His lawyer will appeal the ruling.",
    "uk": "Вчора в Києві затримали активіста, який виступав проти війни.",
    "kk": "Ол Алматы әуежайында ұсталды.",
}

EN_PAGE = [
    "Kazakhstan detains Russian activist at Almaty airport",
    "Police in Almaty detained a Russian activist who had fled the mobilisation, his lawyer said "
    "on Wednesday. The man was stopped at passport control on a request from Moscow, where he is "
    "charged with spreading false information about the army.",
    "«Мы узнали о задержании только утром, когда его уже везли в аэропорт. Никто не позволил ему "
    "позвонить адвокату», — рассказала журналистам его жена.",
    "A court in Almaty is expected to decide on his arrest this week. Rights groups have urged the "
    "Kazakh authorities not to hand him over to Russia, saying he faces torture there.",
    "The lawyer said the defence would ask the UN Human Rights Committee for interim measures if "
    "the court ordered his extradition.",
]


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_detects_the_language_of_a_paragraph(code):
    assert language.detect(TEXTS[code]) == code
    assert detect_language(TEXTS[code]) == code


@pytest.mark.parametrize("code", sorted(SHORT))
def test_detects_the_language_of_a_short_sentence(code):
    assert language.detect(SHORT[code]) == code


def test_ukrainian_and_belarusian_are_not_russian():
    for code in ("uk", "be"):
        assert language.detect(TEXTS[code]) != "ru"
        assert language.detect(TEXTS[code] + "\n\n" + TEXTS[code]) == code


@pytest.mark.parametrize("text", ["", "   \n\n ", "Да.", "Иван Петров", "12345 67890 !!! 2026-02-03",
                                  "Алматы, 3 февраля"])
def test_too_little_text_is_none(text):
    assert language.detect(text) is None
    assert detect_language(text) is None


def test_a_script_no_candidate_is_written_in_is_none():
    assert language.detect("警方周一在阿拉木图机场拘留了这名活动人士，他的律师说。" * 3) is None


def test_analysed_languages():
    assert language.ANALYSED == ("ru", "en")
    assert language.detect(TEXTS["es"]) not in language.ANALYSED


def test_paragraph_spans_are_offsets_of_stripped_blocks():
    text = "  First block\nstill first.\n\n \n Second block  \n\n\nThird"
    spans = language.paragraph_spans(text)
    assert [text[start:end] for start, end in spans] == ["First block\nstill first.", "Second block", "Third"]
    # Without blank lines, each line is a paragraph (as in khronika.readers).
    text = "one line\n  another line \nthird"
    assert [text[s:e] for s, e in language.paragraph_spans(text)] == ["one line", "another line", "third"]
    assert language.paragraph_spans("") == []


def test_mixed_page_is_majority_language_with_paragraph_languages():
    text = "\n\n".join(EN_PAGE)
    assert language.detect(text) == "en"
    paragraphs = language.detect_paragraphs(text)
    assert [text[start:end] for start, end, _ in paragraphs] == EN_PAGE
    assert [lang for _, _, lang in paragraphs] == ["en", "en", "ru", "en", "en"]
    result = language.analyse(text)
    assert result.language == "en" and result.mixed


def test_majority_is_counted_in_characters_not_paragraphs():
    # Three short English lines against one long Russian paragraph.
    text = "\n\n".join(["Read the statement below.", "Translated by our editors.", "Published today.",
                       TEXTS["ru"] + " " + TEXTS["ru"]])
    assert language.detect(text) == "ru"


@pytest.mark.parametrize("line, alone, code", [
    ("Айгерим Бекова и Ержан Касымов", "kk", "ru"),
    ("Lawyer Mehmet Arslan, Istanbul", "tr", "en"),
])
def test_a_short_line_of_names_keeps_the_document_language(line, alone, code):
    # A line of names says almost nothing about the language: alone it comes out wrong.
    assert language.detect(line) == alone
    text = "\n\n".join([line, TEXTS[code], SHORT[code]])
    result = language.analyse(text)
    assert result.language == code
    assert not result.mixed
    assert [lang for _, _, lang in result.paragraphs] == [code, code, code]


@pytest.mark.parametrize("sentence, code", [
    ("Адвокат оскаржить рішення суду.", "uk"),
    ("Ол Алматы әуежайында ұсталды.", "kk"),
    ("Wir fordern seine sofortige Freilassung.", "de"),
])
def test_a_short_sentence_in_another_language_keeps_its_language(sentence, code):
    majority = "en" if code == "de" else "ru"
    text = "\n\n".join([TEXTS[majority], sentence, TEXTS[majority]])
    assert [lang for _, _, lang in language.detect_paragraphs(text)] == [majority, code, majority]


def test_a_short_paragraph_in_another_script_keeps_its_language():
    text = "\n\n".join([TEXTS["en"], "«Его задержали прямо у трапа», — сказал адвокат.", TEXTS["en"]])
    assert [lang for _, _, lang in language.detect_paragraphs(text)] == ["en", "ru", "en"]


def test_a_ukrainian_quote_in_a_russian_text_is_found():
    text = "\n\n".join([TEXTS["ru"], SHORT["uk"], TEXTS["ru"]])
    result = language.analyse(text)
    assert result.language == "ru"
    assert [lang for _, _, lang in result.paragraphs] == ["ru", "uk", "ru"]


def test_too_short_paragraphs_are_none_but_together_decide():
    lines = ["Задержан журналист.", "Суд арестовал его.", "Адвокат обжалует.", "Жена молчит."]
    text = "\n".join(lines)
    result = language.analyse(text)
    assert [lang for _, _, lang in result.paragraphs] == [None] * 4
    assert not result.mixed
    assert result.language == "ru"


def test_a_huge_text_is_examined_only_up_to_the_budget(monkeypatch):
    monkeypatch.setattr(language, "_MAX_EXAMINED_CHARS", 1000)
    text = "\n\n".join([TEXTS["en"]] * 10 + [TEXTS["ru"]] * 3)
    result = language.analyse(text)
    assert result.language == "en"
    assert result.paragraphs[0][2] == "en" and result.paragraphs[-1][2] is None


def test_without_lingua_the_script_decides(monkeypatch):
    monkeypatch.setattr(language, "_detector", lambda: None)
    assert language.detect(TEXTS["ru"]) == "ru"
    assert language.detect(TEXTS["en"]) == "en"
    assert language.detect("Да.") is None
    text = "\n\n".join(EN_PAGE)
    assert [lang for _, _, lang in language.detect_paragraphs(text)] == ["en", "en", "ru", "en", "en"]


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------

def read_one(path: Path) -> Document:
    [result] = list(read_paths([path]))
    assert isinstance(result, Document), result
    return result


def test_a_spanish_file_is_a_document_in_spanish(tmp_path):
    path = tmp_path / "noticia.txt"
    path.write_text(TEXTS["es"] + "\n\n" + TEXTS["es"].replace("Madrid", "Valencia") + "\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.language == "es"
    assert "paragraph_languages" not in doc.meta


def test_a_mixed_page_records_paragraph_languages(tmp_path):
    path = tmp_path / "mixed.md"
    path.write_text("---\ntitle: Activist detained\n---\n" + "\n\n".join(EN_PAGE) + "\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.language == "en"
    recorded = doc.meta["paragraph_languages"]
    assert [doc.text[start:end] for start, end, _ in recorded] == EN_PAGE
    assert [lang for _, _, lang in recorded] == ["en", "en", "ru", "en", "en"]
    assert all(isinstance(entry, list) for entry in recorded)     # JSON-friendly
    assert doc.title == "Activist detained"


def test_a_given_language_wins_but_mixed_paragraphs_are_still_recorded(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text("---\nlanguage: en-GB\n---\n" + "\n\n".join(EN_PAGE) + "\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.language == "en"
    assert [lang for _, _, lang in doc.meta["paragraph_languages"]][2] == "ru"


def test_a_single_language_document_has_no_paragraph_languages(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(TEXTS["ru"] + "\n\n" + SHORT["ru"] + "\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.language == "ru"
    assert doc.meta == {}
