"""English date expressions: finding (find_dates) and resolving (resolve,
infer_frame, note_anchor) with ru_dates' machinery. The sentences and the
article are made up for the tests."""
from __future__ import annotations

import re
from datetime import date

import pytest

from khronika.nlp import ru_dates
from khronika.nlp.en_date_reading import infer_frame, note_anchor, resolve
from khronika.nlp.en_dates import DateExpr, Timeline, find_dates

# 2025-10-02 is a Thursday.
PUBLISHED = {"published": date(2025, 10, 2), "frame_year": 2025, "frame_month": 10}
FEB_2026_PUBLISHED = {"published": date(2026, 2, 5), "frame_year": 2026, "frame_month": 2}
FEB_2026_INFERRED = {"frame_year": 2026, "frame_month": 2, "inferred": True}
APRIL_2024 = {"last": (2024, 4, None)}


def only_date(text: str, **timeline) -> tuple[DateExpr, str | None]:
    """The single expression of `text`, resolved in the given timeline."""
    exprs = find_dates(text)
    assert len(exprs) == 1, [e.text for e in exprs]
    return exprs[0], resolve(exprs[0], Timeline(**timeline))


# (sentence, the expression's words, timeline, ISO)
RESOLUTION_TABLE = [
    # absolute; a missing year is the latest such date not after the frame
    ("Police detained him on Sept. 26.", "on Sept. 26", PUBLISHED, "2025-09-26"),
    ("Police detained him on Sept. 26.", "on Sept. 26", FEB_2026_INFERRED, "2025-09-26"),
    ("He was detained Sept. 26, 2025, in Almaty.", "Sept. 26, 2025", {}, "2025-09-26"),
    ("Police detained him September 26 at the airport.", "September 26", PUBLISHED, "2025-09-26"),
    ("He was detained on 26 September 2025.", "on 26 September 2025", {}, "2025-09-26"),
    ("He was detained on the 26th of September.", "on the 26th of September", PUBLISHED, "2025-09-26"),
    ("The ruling is dated 2025-09-26.", "2025-09-26", {}, "2025-09-26"),
    ("He was detained on 2025-09-26.", "on 2025-09-26", {}, "2025-09-26"),
    ("The ruling of 26.09.2025 was appealed.", "26.09.2025", {}, "2025-09-26"),
    ("The ruling of 26/09/2025 was appealed.", "26/09/2025", {}, "2025-09-26"),
    ("The ruling of 09/26/2025 was appealed.", "09/26/2025", {}, "2025-09-26"),
    ("On Wednesday, Sept. 24, 2025, he was detained.", "On Wednesday, Sept. 24, 2025", {}, "2025-09-24"),
    ("He was detained in late January.", "in late January", FEB_2026_INFERRED, "2026-01"),
    ("He was detained in early February.", "in early February", FEB_2026_INFERRED, "2026-02"),
    ("He was detained in May.", "in May", FEB_2026_INFERRED, "2025-05"),
    ("He was detained in May.", "in May", {"last": (2023, 1, None)}, "2023-05"),
    ("He has been in the transit zone since late December.", "since late December", FEB_2026_INFERRED,
     "2025-12"),
    ("He was detained in January 2026.", "in January 2026", {}, "2026-01"),
    ("He was detained in Jan. 2026.", "in Jan. 2026", {}, "2026-01"),
    ("She left Russia in 2022.", "in 2022", {}, "2022"),
    ("She left Russia in early 2024.", "in early 2024", {}, "2024-01"),
    ("The case was closed in mid-2023.", "in mid-2023", {}, "2023-06"),
    ("He was detained at the end of 2025.", "at the end of 2025", {}, "2025-12"),
    ("Five were detained in the first half of 2025.", "in the first half of 2025", {}, "2025-01/2025-06"),
    ("Cases grew in the third quarter of 2023.", "in the third quarter of 2023", {}, "2023-07/2023-09"),
    ("She left Russia in the summer of 2022.", "in the summer of 2022", {}, "2022"),
    # a date announced ahead takes the nearest occurrence
    ("A hearing is set for March 3.", "for March 3", FEB_2026_PUBLISHED, "2026-03-03"),
    ("The appeal must be filed no later than March 3.", "no later than March 3", FEB_2026_PUBLISHED,
     "2026-03-03"),
    ("His arrest was extended until late March.", "until late March", FEB_2026_PUBLISHED, "2026-03"),
    # ranges
    ("Between 2022 and 2023, four were detained.", "Between 2022 and 2023", {}, "2022/2023"),
    ("From 2021 to 2022 he lived in Bishkek.", "From 2021 to 2022", {}, "2021/2022"),
    ("In 2022-23 four were detained.", "In 2022-23", {}, "2022/2023"),
    ("In 2022–2023 four were detained.", "In 2022–2023", {}, "2022/2023"),
    ("He was held from March to May 2024.", "from March to May 2024", {}, "2024-03/2024-05"),
    ("He was held from December to February 2024.", "from December to February 2024", {},
     "2023-12/2024-02"),
    ("Hearings were held Jan. 5-7, 2026.", "Jan. 5-7, 2026", {}, "2026-01-05/2026-01-07"),
    ("He served in the army in the 1990s.", "in the 1990s", {}, "1990/1999"),
    # relative to the publication date (or the frame)
    ("He was detained last year.", "last year", PUBLISHED, "2024"),
    ("He was detained this year.", "this year", PUBLISHED, "2025"),
    ("He was detained late last year.", "late last year", PUBLISHED, "2024-12"),
    ("He was detained in May of last year.", "in May of last year", PUBLISHED, "2024-05"),
    ("He was detained last month.", "last month", PUBLISHED, "2025-09"),
    ("He was detained earlier this month.", "earlier this month", PUBLISHED, "2025-10"),
    ("He was detained earlier this year.", "earlier this year", PUBLISHED, "2025"),
    ("He was detained last week.", "last week", PUBLISHED, "2025-09"),
    ("He was detained yesterday.", "yesterday", PUBLISHED, "2025-10-01"),
    ("He was detained today.", "today", PUBLISHED, "2025-10-02"),
    ("He was detained last night.", "last night", PUBLISHED, "2025-10-01"),
    ("He was detained this morning.", "this morning", PUBLISHED, "2025-10-02"),
    ("He was detained three years ago.", "three years ago", PUBLISHED, "2022"),
    ("He was detained a week ago.", "a week ago", PUBLISHED, "2025-09-25"),
    # the most recent such weekday, only with a day-precise publication date
    ("Police detained him on Wednesday.", "on Wednesday", PUBLISHED, "2025-10-01"),
    ("Police detained him Thursday.", "Thursday", PUBLISHED, "2025-10-02"),
    ("Police detained him last Thursday.", "last Thursday", PUBLISHED, "2025-09-25"),
    ("Police detained him on Wednesday night.", "on Wednesday night", PUBLISHED, "2025-10-01"),
    ("Police detained him on Wednesday.", "on Wednesday", FEB_2026_INFERRED, None),
    # seasons: the year of the season meant, counted in seasons
    ("He plans to leave this fall.", "this fall", PUBLISHED, "2025"),
    ("He was detained this autumn.", "this autumn", PUBLISHED, "2025"),
    ("He left Russia last spring.", "last spring", PUBLISHED, "2025"),
    ("He left Russia last spring.", "last spring", FEB_2026_PUBLISHED, "2025"),
    ("He left Russia last fall.", "last fall", FEB_2026_PUBLISHED, "2025"),
    ("He left Russia last fall.", "last fall", {"published": date(2025, 11, 10), "frame_year": 2025,
                                                "frame_month": 11}, "2024"),
    ("He left Russia last winter.", "last winter", PUBLISHED, "2025"),
    ("He left Russia this past summer.", "this past summer", PUBLISHED, "2025"),
    ("It was hard this winter.", "this winter", FEB_2026_PUBLISHED, "2026"),
    ("He left Russia last spring.", "last spring", {"frame_year": 2026}, "2025"),
    ("He fled in the fall.", "in the fall", FEB_2026_PUBLISHED, "2025"),
    ("The following spring he fled.", "The following spring", {"last": (2022, 10, None)}, "2023"),
    ("The following spring he fled.", "The following spring", {"last": (2022, 1, None)}, "2022"),
    ("That summer he fled.", "That summer", {"last": (2022, 9, 27)}, "2022"),
    # relative to the last date mentioned (the narrative)
    ("He was detained again next month.", "next month", APRIL_2024, "2024-05"),
    ("He was detained again the next month.", "the next month", {"last": (2024, 12, None)}, "2025-01"),
    ("He fled the following year.", "the following year", APRIL_2024, "2025"),
    ("A year later he fled.", "A year later", APRIL_2024, "2025"),
    ("Two years later he came back.", "Two years later", APRIL_2024, "2026"),
    ("Six months on, he is still in custody.", "Six months on", APRIL_2024, "2024-10"),
    ("He was released two days later.", "two days later", {"last": (2024, 3, 14)}, "2024-03-16"),
    ("He was released two days later.", "two days later", APRIL_2024, "2024-04"),
    ("He was released the next day.", "the next day", {"last": (2024, 4, 30)}, "2024-05-01"),
    ("He was released the same day.", "the same day", {"last": (2024, 4, 12)}, "2024-04-12"),
    ("He had arrived the day before.", "the day before", {"last": (2024, 4, 12)}, "2024-04-11"),
    ("A week earlier he had left.", "A week earlier", {"last": (2024, 4, 12)}, "2024-04-05"),
    ("Later that year he was convicted.", "Later that year", APRIL_2024, "2024"),
    ("In September of that year he was convicted.", "In September of that year", APRIL_2024, "2024-09"),
    ("At the end of the year he was convicted.", "At the end of the year", APRIL_2024, "2024-12"),
    ("Three days after his arrest he was beaten.", "Three days after his arrest",
     {"last": (2024, 4, 12)}, "2024-04-15"),
    # "later" says only that it is later: the year of the narrative
    ("He was later transferred to a colony.", "later", APRIL_2024, "2024"),
    ("Days later he was released.", "Days later", {"last": (2024, 4, 12)}, "2024-04"),
    # now: the frame at the precision it has
    ("He is currently in custody.", "currently", PUBLISHED, "2025-10-02"),
    ("He is now in custody.", "now", PUBLISHED, "2025-10-02"),
    ("At present he is in custody.", "At present", PUBLISHED, "2025-10-02"),
    ("He is currently in custody.", "currently", {"frame_year": 2026, "frame_month": 2}, "2026-02"),
    ("He is currently in custody.", "currently", FEB_2026_INFERRED, "2026"),
    # anchored on an event the text dated earlier
    ("He fled on the seventh day of the mobilization.", "on the seventh day of the mobilization",
     {"anchors": {"mobilization": (2022, 9, 21)}}, "2022-09-27"),
    ("He fled on the seventh day of the mobilization.", "on the seventh day of the mobilization",
     {"anchors": {"mobilization": (2022, 9, None)}}, "2022-09"),
    ("He fled on the seventh day of mobilisation.", "on the seventh day of mobilisation",
     {"anchors": {"mobilization": (2022, 9, 21)}}, "2022-09-27"),
    ("He was detained in the third year of the war.", "in the third year of the war",
     {"anchors": {"war": (2022, 2, 24)}}, "2024"),
    ("Two weeks into Russia's full-scale invasion he left.", "Two weeks into Russia's full-scale invasion",
     {"anchors": {"invasion": (2022, 2, 24)}}, "2022-03-10"),
    ("He fled on the seventh day of the mobilization.", "on the seventh day of the mobilization",
     APRIL_2024, None),
]


@pytest.mark.parametrize("sentence, words, timeline, iso", RESOLUTION_TABLE,
                         ids=[f"{row[1]} / {row[3]}" for row in RESOLUTION_TABLE])
def test_resolution_table(sentence, words, timeline, iso):
    expr, resolved = only_date(sentence, **timeline)
    assert expr.text == words
    assert sentence[expr.start:expr.end] == words
    assert resolved == iso


@pytest.mark.parametrize("text", [
    "more than 400,000 people left the country",
    "about 2,000 people protested",
    "in 2000 cases the courts agreed",
    "he was sentenced to six years in prison",
    "he faces up to 10 years",
    "the deportation of a 25-year-old programmer",
    "a 20-year sentence",
    "under Article 275 of the Criminal Code",
    "the rights group No. 1",
    "He may face up to 10 years.",
    "Officials say 5 may have died.",
    "They will march 3 miles to the embassy.",
    "the Arab Spring",
    "after the fall of Kabul",
    "a fall in prices",
    "the last year of the war",
    "his last day in Almaty",
    "over the past year",
    "a later date",
    "no later than that",
    "Russia Today reported",
    "he spoke to Jan Novak",
    "a now-defunct group",
    "he will be sentenced next Wednesday",
    "on Good Friday",
    "the 2022 law on foreign agents",
    "2.5 million people",
    "12 days in custody",
])
def test_numbers_and_words_that_are_not_dates(text):
    assert find_dates(text) == []


def test_expression_parts_are_kept():
    late_january, = find_dates("He was detained in late January.")
    assert (late_january.kind, late_january.month, late_january.part, late_january.year,
            late_january.preposition) == ("absolute", 1, "late", None, "in")
    ahead, = find_dates("next month")
    assert (ahead.kind, ahead.offset) == ("relative", {"months": 1})
    last_year, = find_dates("last year")
    assert (last_year.kind, last_year.offset) == ("deictic", {"years": -1})
    wednesday, = find_dates("on Wednesday")
    assert wednesday.offset == {"weekday": 2}
    span, = find_dates("between 2022 and 2023")
    assert (span.kind, span.year, span.year_end, span.preposition) == ("range", 2022, 2023, "between")
    anchored, = find_dates("on the seventh day of the partial mobilization")
    assert (anchored.kind, anchored.anchor_word, anchored.ordinal, anchored.offset) == \
        ("anchored", "mobilization", 7, {"days": 6})
    since, = find_dates("He has been there since late December.")
    assert (since.text, since.preposition) == ("since late December", "since")


def test_expressions_come_in_text_order_without_overlap():
    text = ("On Monday, Feb. 2, a court extended his arrest until May 2; in 2022-2023 he lived "
            "in Bishkek, and the following year he came back.")
    exprs = find_dates(text)
    assert [e.text for e in exprs] == ["On Monday, Feb. 2", "until May 2", "in 2022-2023",
                                       "the following year"]
    assert all(a.end <= b.start for a, b in zip(exprs, exprs[1:]))


def test_the_original_words_and_case_are_kept():
    text = "İstanbul: he was detained on SEPT. 26, 2025, and released LAST MONTH."
    first, second = find_dates(text)
    assert (first.text, second.text) == ("on SEPT. 26, 2025", "LAST MONTH")
    assert text[first.start:first.end] == first.text


def test_resolve_moves_the_narrative_but_vague_words_do_not():
    tl = Timeline()
    in_april, later, next_month = find_dates("in April 2024; later; next month")
    assert resolve(in_april, tl) == "2024-04"
    assert resolve(later, tl) == "2024"
    assert tl.last == (2024, 4, None)
    assert resolve(next_month, tl) == "2024-05"
    assert tl.last == (2024, 5, None)


def test_resolve_leaves_the_value_also_when_an_english_rule_applied():
    tl = Timeline(**FEB_2026_PUBLISHED)
    last_spring, hearing = find_dates("She left last spring. A hearing is set for March 3.")
    assert resolve(last_spring, tl) == "2025"
    assert last_spring.value == (2025, None, None) and last_spring.kind == "deictic"
    assert resolve(hearing, tl) == "2026-03-03"
    assert hearing.value == (2026, 3, 3) and hearing.year is None
    assert tl.last == (2026, 3, 3)


def test_relative_dates_without_any_reference_resolve_to_nothing():
    tl = Timeline()
    assert [resolve(e, tl) for e in find_dates("the same day; the following year; yesterday; later")] == \
        [None, None, None, None]


def test_frame_from_publication_date():
    tl = infer_frame("in late January", "2026-02-03T10:15:00+03:00")
    assert (tl.published, tl.frame_year, tl.frame_month, tl.inferred) == (date(2026, 2, 3), 2026, 2, False)


@pytest.mark.parametrize("text, frame", [
    ("He was detained in 2023. On March 5 a court arrested him, and on April 12 sent him to a colony.",
     (2023, 4)),
    # months after the latest year turn into the next year
    ("She was detained at the end of 2025. In January a court extended her arrest. "
     "In early February the case went to trial.", (2026, 2)),
    ("He left in 2021 and was put on the wanted list in 2024.", (2024, None)),
    # a target year is not the time of writing
    ("He was detained in 2023. The authorities promise to close the colony by 2030.", (2023, None)),
    ("He was detained in May.", (None, None)),
])
def test_frame_inferred_from_the_text(text, frame):
    tl = infer_frame(text, None)
    assert (tl.frame_year, tl.frame_month) == frame
    assert tl.inferred and tl.published is None


def test_a_dateline_gives_the_publication_day_of_an_undated_text():
    text = ("Exile held in Yerevan\n\nYEREVAN, Feb. 5 (Reuters) — Police detained him on Wednesday. "
            "He was charged at the end of 2025 and has been in hiding since late December.")
    tl = infer_frame(text, None)
    assert (tl.published, tl.frame_year, tl.frame_month) == (date(2026, 2, 5), 2026, 2)
    wednesday = next(e for e in find_dates(text) if e.text == "on Wednesday")
    assert resolve(wednesday, tl) == "2026-02-04"
    # an event date opening a sentence is not a dateline
    assert infer_frame("On Feb. 5, 2026, police detained him. He was charged in 2025.").published is None


def test_anchor_keeps_the_first_dating_and_refines_it():
    tl = Timeline()
    for sentence in ("Russia announced a mobilization in September 2022.",
                     "The partial mobilization began on Sept. 21, 2022.",
                     "In 2023, long after the mobilization, he left."):
        note_anchor(sentence, tl, find_dates(sentence))
    assert tl.anchors == {"mobilization": (2022, 9, 21)}   # another year does not overwrite it
    expr, = find_dates("on the fifth day of the mobilization")
    assert resolve(expr, tl) == "2022-09-25"


def test_case_steps_take_their_latest_dating_even_from_a_relative_date():
    tl = Timeline(last=(2025, 5, 12))
    for sentence in ("Ivanov's trial opened on March 3, 2025.",
                     "The next day the trial was adjourned."):
        exprs = find_dates(sentence)
        note_anchor(sentence, tl, exprs)
        for expr in exprs:
            resolve(expr, tl)
    assert tl.anchors["trial"] == (2025, 3, 4)
    tl.last = (2024, 1, None)         # a digression does not matter: the anchor does
    expr, = find_dates("three days after the trial")
    assert resolve(expr, tl) == "2025-03-07"


@pytest.mark.parametrize("anchor_first", [True, False])
def test_note_anchor_before_or_after_resolve(anchor_first):
    tl = Timeline()
    for sentence in ("He was detained in May 2023.", "Next month his hearing took place."):
        exprs = find_dates(sentence)
        if anchor_first:
            note_anchor(sentence, tl, exprs)
        for expr in exprs:
            resolve(expr, tl)
        if not anchor_first:
            note_anchor(sentence, tl, exprs)
    assert tl.anchors == {"hearing": (2023, 6, None)}
    assert tl.last == (2023, 6, None)


def test_anchor_with_offsets_into_the_whole_document():
    text = ("He lived in Almaty. Russia's full-scale invasion began on Feb. 24, 2022. "
            "On the third day of the invasion he left.")
    exprs = find_dates(text)
    second, third = text.index("Russia"), text.index("On the third")
    tl = Timeline()
    note_anchor(text[second:third], tl, [e for e in exprs if second <= e.start < third],
                sentence_start=second)
    assert tl.anchors == {"invasion": (2022, 2, 24)}
    assert resolve(exprs[-1], tl) == "2022-02-26"


# --------------------------------------------------------------------------
# A walk through an article, in order, as the extractor reads it

ARTICLE = """\
Russian anti-war activist held in Yerevan as Moscow seeks his extradition

YEREVAN, Feb. 5 — Armenian police detained Pavel Sorokin, a Russian anti-war activist, on Wednesday \
at Moscow's request, his lawyer said. Sorokin, 34, is currently held in a pre-trial detention center \
in the Armenian capital.

Sorokin left Russia in the autumn of 2022. The Kremlin announced a partial mobilization on \
Sept. 21, 2022. On the seventh day of the mobilization, he crossed into Georgia on foot, one of \
roughly 400,000 people who left the country in those weeks. He moved to Armenia the following year.

In January 2023, a court in Moscow charged him in absentia under Article 207.3 with spreading \
"false information" about the army. Two months later he was placed on Russia's wanted list. \
Investigators searched his parents' flat in mid-2023 and again at the end of 2024.

Between 2022 and 2024, Armenia detained at least 12 Russians wanted by Moscow, according to the \
rights group Exile Aid. Sorokin himself was first detained on 14 March 2024 at the Bagratashen \
border crossing but was released two days later, after a judge found the case political. \
Prosecutors appealed, and the appeal was rejected the next month.

Last year, Armenian courts approved the extradition of a 25-year-old programmer who had refused to \
fight. He was handed over in April 2025 and sentenced in Rostov four months later to six years in \
a penal colony. At the end of 2025, Exile Aid counted five such handovers.

In late January, Russia's Prosecutor General's Office sent Yerevan a new request for Sorokin's \
extradition. Earlier this month, the request was forwarded to the police, his lawyer, Anna \
Grigoryan, said. Sorokin's wife, who left Russia last spring, said he had been living in a rented \
room in Yerevan since late December and had stopped posting online.

Yesterday a court ordered him held for two months pending an extradition check. The next hearing \
is set for March 3. At present no date has been set for an appeal, Grigoryan said. If extradited, \
Sorokin faces up to ten years in prison. Exile Aid said last fall that it had recorded more cases \
than in any year since 2022.
"""

# Sentence ends, except after abbreviations and initials ("Sept. 21", "U.S.").
_SENTENCE_END = re.compile(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\bSept)(?<!\b[A-Z])"
                           r"[.!?]\s+(?=[A-Z\"“])|\n\s*\n")


def sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        bounds.append((start, end.start() + 1))
        start = end.end()
    return bounds + [(start, len(text))]


def walk(text: str, published: str | None = None) -> tuple[Timeline, list[tuple[str, str | None]]]:
    """Read a document as the extractor does: one scan, the frame, then
    sentence by sentence, resolving in order and noting anchors."""
    all_dates = find_dates(text)
    tl = infer_frame(text, published, all_dates)
    resolved = []
    for start, end in sentences(text):
        exprs = [e for e in all_dates if start <= e.start and e.end <= end]
        for expr in exprs:
            resolved.append((expr.text, resolve(expr, tl)))
        note_anchor(text[start:end], tl, exprs, sentence_start=start)
    return tl, resolved


# The article's dates read with its publication date, 2026-02-05 (a Thursday).
ARTICLE_DATES = [
    ("Feb. 5", "2026-02-05"),
    ("on Wednesday", "2026-02-04"),
    ("currently", "2026-02-05"),
    ("in the autumn of 2022", "2022"),
    ("on Sept. 21, 2022", "2022-09-21"),
    ("On the seventh day of the mobilization", "2022-09-27"),
    ("the following year", "2023"),
    ("In January 2023", "2023-01"),
    ("Two months later", "2023-03"),
    ("in mid-2023", "2023-06"),
    ("at the end of 2024", "2024-12"),
    ("Between 2022 and 2024", "2022/2024"),
    ("on 14 March 2024", "2024-03-14"),
    ("two days later", "2024-03-16"),
    ("the next month", "2024-04"),
    ("Last year", "2025"),
    ("in April 2025", "2025-04"),
    ("four months later", "2025-08"),
    ("At the end of 2025", "2025-12"),
    ("In late January", "2026-01"),
    ("Earlier this month", "2026-02"),
    ("last spring", "2025"),
    ("since late December", "2025-12"),
    ("Yesterday", "2026-02-04"),
    ("for March 3", "2026-03-03"),
    ("At present", "2026-02-05"),
    ("last fall", "2025"),
    ("since 2022", "2022"),
]


def test_article_with_publication_date():
    tl, resolved = walk(ARTICLE, "2026-02-05")
    assert resolved == ARTICLE_DATES
    assert tl.anchors["mobilization"] == (2022, 9, 21)
    words = " ".join(text for text, _ in resolved).split()
    for not_a_date in ("34", "400,000", "207.3", "12", "25-year-old", "six", "ten"):
        assert not_a_date not in words, not_a_date


def test_article_without_publication_date_infers_its_frame():
    # The dateline gives the day: the year is the one after the latest written
    # out (2025), as "In late January" and "since late December" show.
    tl, resolved = walk(ARTICLE)
    assert (tl.published, tl.frame_year, tl.frame_month, tl.inferred) == (date(2026, 2, 5), 2026, 2, True)
    assert resolved == ARTICLE_DATES


def test_article_without_publication_date_or_dateline():
    text = ARTICLE.replace("YEREVAN, Feb. 5 — ", "")
    tl, resolved = walk(text)
    assert (tl.published, tl.frame_year, tl.frame_month, tl.inferred) == (None, 2026, 1, True)
    by_words = dict(resolved)
    assert by_words["on Wednesday"] is None            # which Wednesday needs the publication day
    assert by_words["currently"] == by_words["At present"] == by_words["Yesterday"] == "2026"
    assert by_words["In late January"] == "2026-01"
    assert by_words["since late December"] == "2025-12"
    assert by_words["On the seventh day of the mobilization"] == "2022-09-27"
    assert by_words["four months later"] == "2025-08"


def test_the_resolution_is_ru_dates_own():
    """Resolution is language-independent: an English expression and its
    Russian twin resolve alike in the same timeline."""
    pairs = [("in late January", "в конце января"), ("last year", "в прошлом году"),
             ("the following year", "на следующий год"), ("on Wednesday", "в среду"),
             ("between 2022 and 2023", "между 2022 и 2023 годами")]
    for english, russian in pairs:
        timeline = dict(FEB_2026_PUBLISHED, last=(2024, 4, None))
        assert resolve(find_dates(english)[0], Timeline(**timeline)) == \
            ru_dates.resolve(ru_dates.find_dates(russian)[0], Timeline(**timeline)), english


@pytest.mark.parametrize("text,iso", [
    ("He was detained in Odessa last December.", "2024-12"),
    ("She fled the country last March, friends said.", "2024-03"),
])
def test_last_and_a_month_is_that_month_a_year_before(text, iso):
    assert only_date(text, published=date(2025, 3, 27), frame_year=2025, frame_month=3)[1] == iso


def test_the_last_month_after_a_determiner_is_no_date():
    assert find_dates("He spoke at his last March rally before the arrest.") == []
