"""Russian date expressions: finding (find_dates) and resolving (resolve,
infer_frame, note_anchor). The example sentences are made up for the tests,
except the walk through the sample article of the evaluation corpus."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from khronika.nlp.ru_dates import DateExpr, Timeline, find_dates, infer_frame, note_anchor, resolve

SAMPLE_NAME = "kz-extraditions-2026.ru.txt"
SAMPLE = next((path for path in (Path(__file__).parents[1] / "corpus" / SAMPLE_NAME,
                                 Path("/work/shared/eval/corpus") / SAMPLE_NAME) if path.exists()), None)

# 2026-02-04 is a Wednesday.
PUBLISHED = {"published": date(2026, 2, 4), "frame_year": 2026, "frame_month": 2}
FEB_2026_INFERRED = {"frame_year": 2026, "frame_month": 2, "inferred": True}
APRIL_2024 = {"last": (2024, 4, None)}


def only_date(text: str, **timeline) -> tuple[DateExpr, str | None]:
    """The single expression of `text`, resolved in the given timeline."""
    exprs = find_dates(text)
    assert len(exprs) == 1, [e.text for e in exprs]
    return exprs[0], resolve(exprs[0], Timeline(**timeline))


# (sentence, the expression's words, timeline, ISO)
RESOLUTION_TABLE = [
    # absolute
    ("Его задержали 3 февраля 2026 года в аэропорту.", "3 февраля 2026 года", {}, "2026-02-03"),
    ("Суд прошёл 3 февраля.", "3 февраля", PUBLISHED, "2026-02-03"),
    ("Постановление от 03.02.2026 обжаловано.", "от 03.02.2026", {}, "2026-02-03"),
    ("Дата решения: 2026-02-03.", "2026-02-03", {}, "2026-02-03"),
    ("Обыск прошёл в феврале 2026 года.", "в феврале 2026 года", {}, "2026-02"),
    ("В 2022 году она уехала в Грузию.", "В 2022 году", {}, "2022"),
    ("Протоколы 2022 года исчезли.", "2022 года", {}, "2022"),
    ("Его задержали в апреле 2024 года.", "в апреле 2024 года", {}, "2024-04"),
    ("Весной 2024 года он получил повестку.", "Весной 2024 года", {}, "2024"),
    ("До весны 2024 года таких дел не было.", "До весны 2024 года", {}, "2024"),
    ("Полуостров аннексировали в 2014 году.", "в 2014 году", {}, "2014"),
    ("Его задержали в 2022.", "в 2022", {}, "2022"),
    ("Протокол составлен 5 мая 2023 г.", "5 мая 2023 г.", {}, "2023-05-05"),
    # months without a year: the latest such month not after the frame ...
    ("В конце января его задержали.", "В конце января", FEB_2026_INFERRED, "2026-01"),
    ("В начале февраля дело передали в суд.", "В начале февраля", FEB_2026_INFERRED, "2026-02"),
    ("Он в транзитной зоне с конца декабря.", "с конца декабря", FEB_2026_INFERRED, "2025-12"),
    ("В мае его отпустили.", "В мае", FEB_2026_INFERRED, "2025-05"),
    ("В мае его отпустили.", "В мае", {"published": date(2026, 6, 1), "frame_year": 2026, "frame_month": 6},
     "2026-05"),
    # ... or, with no frame, the year of the narrative
    ("В мае его отпустили.", "В мае", {"last": (2023, 1, None)}, "2023-05"),
    ("Суд прошёл 3 февраля.", "3 февраля", {"last": (2019, 11, 2)}, "2019-02-03"),
    # ... but a date announced ahead takes the nearest occurrence
    ("Заседание назначено на 5 марта.", "на 5 марта", PUBLISHED, "2026-03-05"),
    # parts of a year: month precision (parts of a month keep the month)
    ("В конце 2025 года его задержали.", "В конце 2025 года", {}, "2025-12"),
    ("В начале 2026 года всё изменилось.", "В начале 2026 года", {}, "2026-01"),
    ("В середине 2024 года дело закрыли.", "В середине 2024 года", {}, "2024-06"),
    ("К концу 2025 года приговор вступил в силу.", "К концу 2025 года", {}, "2025-12"),
    ("В первой половине 2025 года задержали пятерых.", "В первой половине 2025 года", {},
     "2025-01/2025-06"),
    ("В третьем квартале 2023 года дел стало больше.", "В третьем квартале 2023 года", {},
     "2023-07/2023-09"),
    # relative to the last date mentioned (the narrative)
    ("В следующем месяце её задержали снова.", "В следующем месяце", APRIL_2024, "2024-05"),
    ("В следующем месяце её задержали снова.", "В следующем месяце", {"last": (2024, 12, None)}, "2025-01"),
    ("На следующий год он бежал.", "На следующий год", APRIL_2024, "2025"),
    ("Через год он бежал.", "Через год", APRIL_2024, "2025"),
    ("Год спустя он бежал.", "Год спустя", APRIL_2024, "2025"),
    ("Два года спустя он вернулся.", "Два года спустя", APRIL_2024, "2026"),
    ("В том же году его осудили.", "В том же году", APRIL_2024, "2024"),
    ("В тот же день его отпустили.", "В тот же день", {"last": (2024, 4, 12)}, "2024-04-12"),
    ("На следующий день его отпустили.", "На следующий день", {"last": (2024, 4, 30)}, "2024-05-01"),
    ("В сентябре того же года его осудили.", "В сентябре того же года", APRIL_2024, "2024-09"),
    ("Годом ранее он уехал.", "Годом ранее", APRIL_2024, "2023"),
    ("Через три дня после ареста его избили.", "Через три дня после ареста", {"last": (2024, 4, 12)},
     "2024-04-15"),
    ("За неделю до этого он уехал.", "За неделю до этого", {"last": (2024, 4, 12)}, "2024-04-05"),
    ("В начале года его задержали.", "В начале года", {"last": (2022, None, None)}, "2022-01"),
    # "позже" says only that it is later: the year of the narrative
    ("Позже его перевели в колонию.", "Позже", APRIL_2024, "2024"),
    ("Через несколько дней его отпустили.", "Через несколько дней", {"last": (2024, 4, 12)}, "2024-04"),
    # relative to the publication date (or the frame)
    ("В прошлом году его задержали.", "В прошлом году", PUBLISHED, "2025"),
    ("В этом году его задержали.", "В этом году", PUBLISHED, "2026"),
    ("В прошлом месяце его задержали.", "В прошлом месяце", PUBLISHED, "2026-01"),
    ("Вчера его задержали.", "Вчера", PUBLISHED, "2026-02-03"),
    ("Сегодня его задержали.", "Сегодня", PUBLISHED, "2026-02-04"),
    ("На прошлой неделе его задержали.", "На прошлой неделе", PUBLISHED, "2026-01"),
    ("В понедельник его задержали.", "В понедельник", PUBLISHED, "2026-02-02"),
    ("В среду его задержали.", "В среду", PUBLISHED, "2026-02-04"),
    ("В прошлую среду его задержали.", "В прошлую среду", PUBLISHED, "2026-01-28"),
    ("В понедельник его задержали.", "В понедельник", FEB_2026_INFERRED, None),
    ("Три года назад он уехал.", "Три года назад", PUBLISHED, "2023"),
    ("В конце прошлого года его задержали.", "В конце прошлого года", PUBLISHED, "2025-12"),
    ("В мае прошлого года его задержали.", "В мае прошлого года", PUBLISHED, "2025-05"),
    ("Прошлой осенью его задержали.", "Прошлой осенью", PUBLISHED, "2025"),
    ("Летом его задержали.", "Летом", PUBLISHED, "2025"),
    ("Этой ночью его задержали.", "Этой ночью", PUBLISHED, "2026-02-04"),
    ("Более двух лет назад он уехал.", "двух лет назад", PUBLISHED, "2024"),
    ("Подать жалобу можно не позже 3 марта.", "не позже 3 марта", PUBLISHED, "2026-03-03"),
    ("Сейчас он в СИЗО.", "Сейчас", PUBLISHED, "2026-02-04"),
    ("Сейчас он в СИЗО.", "Сейчас", {"frame_year": 2026, "frame_month": 2}, "2026-02"),
    # an inferred month is only a lower bound of the publication date
    ("На данный момент он в СИЗО.", "На данный момент", FEB_2026_INFERRED, "2026"),
    ("В настоящее время он в СИЗО.", "В настоящее время", {"frame_year": 2026}, "2026"),
    # ranges
    ("Между 2022 и 2023 годами задержали четверых.", "Между 2022 и 2023 годами", {}, "2022/2023"),
    ("В 2022–2023 годах задержали четверых.", "В 2022–2023 годах", {}, "2022/2023"),
    ("С 2022 по 2023 год задержали четверых.", "С 2022 по 2023 год", {}, "2022/2023"),
    ("В 2022 и 2023 годах задержали четверых.", "В 2022 и 2023 годах", {}, "2022/2023"),
    ("На рубеже 2022 и 2023 годов задержали четверых.", "На рубеже 2022 и 2023 годов", {}, "2022/2023"),
    ("С января по март 2024 года он был в СИЗО.", "С января по март 2024 года", {}, "2024-01/2024-03"),
    ("Слушания прошли 3–5 февраля 2026 года.", "3–5 февраля 2026 года", {}, "2026-02-03/2026-02-05"),
    ("В 1990-х годах он служил в армии.", "В 1990-х годах", {}, "1990/1999"),
    # anchored on an event the text dated earlier
    ("Он бежал в седьмой день мобилизации.", "в седьмой день мобилизации",
     {"anchors": {"мобилизация": (2022, 9, None)}}, "2022-09"),
    ("Он бежал в седьмой день мобилизации.", "в седьмой день мобилизации",
     {"anchors": {"мобилизация": (2022, 9, 21)}}, "2022-09-27"),
    ("На третий год войны его задержали.", "На третий год войны",
     {"anchors": {"война": (2022, 2, 24)}}, "2024"),
    ("Он бежал в седьмой день мобилизации.", "в седьмой день мобилизации", APRIL_2024, None),
]


@pytest.mark.parametrize("sentence, words, timeline, iso", RESOLUTION_TABLE,
                         ids=[row[1] + " / " + str(row[3]) for row in RESOLUTION_TABLE])
def test_resolution_table(sentence, words, timeline, iso):
    expr, resolved = only_date(sentence, **timeline)
    assert expr.text == words
    assert sentence[expr.start:expr.end] == words
    assert resolved == iso


@pytest.mark.parametrize("text", [
    "более 400 000 человек въехали в страну",
    "въезжало до 30 000 человек в день",
    "около 50 000–80 000 остались",
    "депортация 25-летнего специалиста",
    "приговорили к шести годам тюремного заключения",
    "приговорили к 6 годам колонии",
    "правозащитной группы «Отделение №1»",
    "обвинение в двух административных правонарушениях",
    "Середина ночи – прямо перед посадкой",
    "ему 22 года, его сестре 19 лет",
    "по статье 275 УК",
    "Марта Иванова и Майя Петрова",
    "это был лучший выбор",
])
def test_numbers_and_words_that_are_not_dates(text):
    assert find_dates(text) == []


def test_expression_parts_are_kept():
    first, = find_dates("В конце января его задержали.")
    assert (first.kind, first.month, first.part, first.year) == ("absolute", 1, "late", None)
    ahead, = find_dates("в следующем месяце")
    assert (ahead.kind, ahead.offset) == ("relative", {"months": 1})
    last_year, = find_dates("в прошлом году")
    assert (last_year.kind, last_year.offset) == ("deictic", {"years": -1})
    monday, = find_dates("в понедельник")
    assert monday.offset == {"weekday": 0}
    span, = find_dates("между 2022 и 2023 годами")
    assert (span.kind, span.year, span.year_end, span.preposition) == ("range", 2022, 2023, "между")
    anchored, = find_dates("в седьмой день мобилизации")
    assert (anchored.kind, anchored.anchor_word, anchored.ordinal) == ("anchored", "мобилизация", 7)
    since, = find_dates("Он там с конца декабря.")
    assert (since.text, since.preposition) == ("с конца декабря", "с")


def test_expressions_come_in_text_order_without_overlap():
    text = ("В понедельник, 2 февраля, суд продлил арест до 2 мая; "
            "в 2022–2023 годах он жил в Бишкеке, а в следующем году вернулся.")
    exprs = find_dates(text)
    assert [e.text for e in exprs] == ["В понедельник, 2 февраля", "до 2 мая", "в 2022–2023 годах",
                                       "в следующем году"]
    assert all(a.end <= b.start for a, b in zip(exprs, exprs[1:]))


def test_offsets_survive_characters_that_lower_to_two():
    text = "İstanbul: его задержали 3 февраля 2026 года."
    expr, = find_dates(text)
    assert text[expr.start:expr.end] == "3 февраля 2026 года"


def test_resolve_moves_the_narrative_but_vague_words_do_not():
    tl = Timeline()
    in_april, later, next_month = find_dates("в апреле 2024 года; позже; в следующем месяце")
    assert resolve(in_april, tl) == "2024-04"
    assert resolve(later, tl) == "2024"
    assert tl.last == (2024, 4, None)
    assert resolve(next_month, tl) == "2024-05"
    assert tl.last == (2024, 5, None)


def test_relative_dates_without_any_reference_resolve_to_nothing():
    tl = Timeline()
    assert [resolve(e, tl) for e in find_dates("в тот же день; в следующем году; вчера; позже")] == \
        [None, None, None, None]


def test_frame_from_publication_date():
    tl = infer_frame("в конце января", "2026-02-03T10:15:00+03:00")
    assert (tl.published, tl.frame_year, tl.frame_month, tl.inferred) == (date(2026, 2, 3), 2026, 2, False)
    month_only = infer_frame("", "2026-02")
    assert (month_only.published, month_only.frame_year, month_only.frame_month) == (None, 2026, 2)


@pytest.mark.parametrize("text, frame", [
    ("В 2023 году его задержали. 5 марта суд арестовал его, а 12 апреля отправил в колонию.", (2023, 4)),
    # months after the latest year turn into the next year
    ("Её задержали в конце 2025 года. В январе суд продлил арест. В начале февраля дело ушло в суд.",
     (2026, 2)),
    # a year alone gives no month
    ("В 2021 году он уехал, в 2024 году его объявили в розыск.", (2024, None)),
    # a target year is not the time of writing
    ("В 2023 году его задержали. Власти обещают закрыть колонию к 2030 году.", (2023, None)),
    ("В мае его задержали.", (None, None)),
])
def test_frame_inferred_from_the_text(text, frame):
    tl = infer_frame(text, None)
    assert (tl.frame_year, tl.frame_month) == frame
    assert tl.inferred


def test_anchor_keeps_the_first_dating_and_refines_it():
    tl = Timeline()
    sentence = "Мобилизацию объявили в сентябре 2022 года."
    note_anchor(sentence, tl, find_dates(sentence))
    assert tl.anchors == {"мобилизация": (2022, 9, None)}
    sentence = "Частичная мобилизация началась 21 сентября 2022 года."
    note_anchor(sentence, tl, find_dates(sentence))
    assert tl.anchors["мобилизация"] == (2022, 9, 21)
    sentence = "В 2023 году, уже после мобилизации, он уехал."
    note_anchor(sentence, tl, find_dates(sentence))
    assert tl.anchors["мобилизация"] == (2022, 9, 21)      # another year does not overwrite it
    expr, = find_dates("на пятый день мобилизации")
    assert resolve(expr, tl) == "2022-09-25"


def test_anchor_needs_the_date_near_the_noun_and_leaves_the_narrative_alone():
    tl = Timeline(last=(2019, 3, None))
    far = ("В 2023 году он уехал из России, долго искал работу, снимал комнату у знакомых "
           "и почти не следил за новостями о войне.")
    note_anchor(far, tl, find_dates(far))
    assert tl.anchors == {}
    near = "Вторжение началось 24 февраля 2022 года."
    note_anchor(near, tl, find_dates(near))
    assert tl.anchors == {"вторжение": (2022, 2, 24)}
    assert tl.last == (2019, 3, None)


def test_anchor_with_offsets_into_the_whole_document():
    text = "Он жил в Алматы. Войну начали 24 февраля 2022 года. На третий день войны он уехал."
    exprs = find_dates(text)
    tl = Timeline()
    second = text.index("Войну")
    note_anchor(text[second:text.index("На третий")], tl,
                [e for e in exprs if e.start >= second and e.end <= text.index("На третий")],
                sentence_start=second)
    assert tl.anchors == {"война": (2022, 2, 24)}
    assert resolve(exprs[-1], tl) == "2022-02-26"


def test_case_steps_take_their_latest_dating_even_from_a_relative_date():
    tl = Timeline(last=(2025, 5, 12))
    for sentence in ("Суд по делу Иванова прошёл 3 марта 2025 года.",
                     "На следующий день суд постановил выдворить Петрова."):
        exprs = find_dates(sentence)
        note_anchor(sentence, tl, exprs)
        for expr in exprs:
            resolve(expr, tl)
    assert tl.anchors["суд"] == (2025, 3, 4)
    tl.last = (2024, 1, None)         # a digression does not matter: the anchor does
    expr, = find_dates("через три дня после суда")
    assert resolve(expr, tl) == "2025-03-07"


@pytest.mark.parametrize("anchor_first", [True, False])
def test_note_anchor_before_or_after_resolve(anchor_first):
    tl = Timeline()
    for sentence in ("Его задержали в мае 2023 года.", "В следующем месяце прошло заседание суда."):
        exprs = find_dates(sentence)
        if anchor_first:
            note_anchor(sentence, tl, exprs)
        for expr in exprs:
            resolve(expr, tl)
        if not anchor_first:
            note_anchor(sentence, tl, exprs)
    assert tl.anchors == {"заседание": (2023, 6, None), "суд": (2023, 6, None)}
    assert tl.last == (2023, 6, None)


def walk(text: str, published: str | None = None) -> tuple[Timeline, list[tuple[str, str | None]]]:
    """Read a document as the pipeline does: frame, then sentence by sentence."""
    from razdel import sentenize

    tl = infer_frame(text, published)
    resolved = []
    for sentence in sentenize(text):
        exprs = find_dates(sentence.text)
        note_anchor(sentence.text, tl, exprs)
        for expr in exprs:
            resolved.append((expr.text, resolve(expr, tl)))
    return tl, resolved


@pytest.mark.skipif(SAMPLE is None, reason="the sample article is not here")
def test_sample_article_in_order():
    tl, resolved = walk(SAMPLE.read_text(encoding="utf-8"))
    assert (tl.frame_year, tl.frame_month) == (2026, 2)

    def after(words: str, previous: str | None = None) -> str | None:
        """The resolution of the first `words`, after `previous` if given."""
        texts = [text for text, _ in resolved]
        begin = texts.index(previous) + 1 if previous else 0
        return resolved[texts.index(words, begin)][1]

    assert after("В конце января") == "2026-01"
    assert after("с конца декабря") == "2025-12"
    assert after("Между 2022 и 2023 годами") == "2022/2023"
    assert after("В следующем месяце", "в апреле 2024 года") == "2024-05"
    assert after("на следующий год") == "2023"
    assert resolved[[t for t, _ in resolved].index("на следующий год") - 1] == ("в 2022 году", "2022")
    assert after("в седьмой день мобилизации") == "2022-09"
    assert after("В конце 2025 года") == "2025-12"
    assert after("В начале февраля") == "2026-02"
    assert after("в сентябре 2022 года") == "2022-09"
    assert after("Позже", "в апреле 2024 года") == "2024"
    assert after("На данный момент") == "2026"
    assert tl.anchors["мобилизация"] == (2022, 9, None)

    words = " ".join(text for text, _ in resolved)
    for not_a_date in ("400", "000", "30 000", "50 000", "25", "шести", "№1", "двух", "Середина"):
        assert not_a_date not in words.split(), not_a_date
    assert all(iso is not None for _, iso in resolved), resolved


def test_invented_article_with_publication_date():
    text = (
        "Вчера в Бишкеке задержали журналиста Тимура Н. Его объявили в розыск ещё в 2023 году, "
        "через два месяца после того, как он уехал из России. В том же году Россия запросила "
        "его экстрадицию. В понедельник суд арестовал его на два месяца, а заседание по "
        "экстрадиции назначено на 5 марта. Сейчас он находится в СИЗО."
    )
    _, resolved = walk(text, "2026-02-04")
    assert resolved == [
        ("Вчера", "2026-02-03"),
        ("в 2023 году", "2023"),
        ("через два месяца после того", "2023"),
        ("В том же году", "2023"),
        ("В понедельник", "2026-02-02"),
        ("на 5 марта", "2026-03-05"),
        ("Сейчас", "2026-02-04"),
    ]
