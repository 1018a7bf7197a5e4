"""A person's status from their timeline facts (khronika/person_status.py):
custody, release, removal and unknown whereabouts, in Russian and English,
with the charges and terms; dates in words (Babel)."""
from __future__ import annotations

import pytest

from khronika.person_status import date_words, on_date, person_status, since_date
from khronika.store.facts import Fact


def fact(type_, date=None, place=None, country=None, destination=None, charge=None, term=None, **more):
    return {"type": type_, "date": date, "place": place, "country": country, "destination": destination,
            "charge": charge, "term_years": term, **more}


CUSTODY = [
    fact("detained", "2026-01-28", "СИЗО-1 Алматы", "KZ"),
    fact("charged", "2026-01-29",
         charge="самовольное оставление части в период мобилизации (ч. 5 ст. 337 УК)"),
    fact("sentenced", "2026-02", term=6),
]


def test_custody_with_place_since_charges_and_terms():
    ru = person_status(CUSTODY, "ru", "f")
    assert ru.kind == "custody"
    assert ru.headline == "под стражей в СИЗО-1 Алматы, Казахстан, с 28 января 2026"
    assert (ru.last_type, ru.last_date) == ("sentenced", "2026-02")
    [charge] = ru.charges
    assert charge.name == "самовольное оставление части в период мобилизации"
    assert charge.article == "ч. 5 ст. 337 УК" and charge.term == "6 лет"
    en = person_status(CUSTODY, "en", "f")
    assert en.headline == "in custody in SIZO-1 Almaty, Kazakhstan since 28 January 2026"
    [charge] = en.charges
    assert charge.article == "Article 337, part 5 (Criminal Code)" and charge.term == "6 years"
    assert charge.name == "leaving a military unit without leave during mobilisation"


def test_a_transfer_keeps_the_start_of_custody_and_a_wanted_notice_does_not_end_it():
    facts = CUSTODY + [fact("transferred", "2026-02-20", "Астане", "KZ"), fact("wanted", "2026-02-21")]
    status = person_status(facts, "en")
    assert status.headline == "in custody in Astana, Kazakhstan since 28 January 2026"
    assert person_status(facts, "ru").headline == "под стражей в Астане, Казахстан, с 28 января 2026"


@pytest.mark.parametrize("gender, ru, en", [
    ("f", "освобождена 3 марта 2026", "released on 3 March 2026"),
    ("m", "освобождён 3 марта 2026", "released on 3 March 2026"),
    (None, "на свободе с 3 марта 2026", "released on 3 March 2026"),
])
def test_released(gender, ru, en):
    facts = CUSTODY + [fact("released", "2026-03-03", "Алматы", "KZ")]
    assert person_status(facts, "ru", gender).headline == ru
    status = person_status(facts, "en", gender)
    assert status.kind == "released" and status.headline == en
    assert status.charges[0].term == "6 years"          # a release does not drop the sentence


def test_deported_and_extradited_name_the_country_in_the_right_case():
    facts = CUSTODY + [fact("deported", "2026-03-05", "Алматы", "KZ", destination="RU")]
    assert person_status(facts, "ru", "m").headline == "депортирован в Россию 5 марта 2026"
    assert person_status(facts, "ru").headline == "депортация в Россию, 5 марта 2026"
    assert person_status(facts, "en").headline == "deported to Russia on 5 March 2026"
    handed = [fact("handed_over", "2026-03", destination="TR")]
    assert person_status(handed, "ru", "f").headline == "передана властям Турции в марте 2026"


def test_unknown_whereabouts_and_no_status_at_all():
    gone = [fact("fled", "2025", destination="GE"), fact("disappeared", "2025-06")]
    assert person_status(gone, "ru").headline == "местонахождение неизвестно с июня 2025"
    assert person_status(gone, "en").headline == "whereabouts unknown since June 2025"
    only_charges = [fact("charged", "2024", charge="госизмена")]
    status = person_status(only_charges, "en")
    assert status.kind == "unknown" and status.headline == "current status not reported"
    assert [c.name for c in status.charges] == ["treason"]
    assert person_status(only_charges, "ru").headline == "текущий статус неизвестен"
    assert person_status([], "en").last_type is None


def test_undated_facts_set_no_state_and_unconfirmed_ones_do_not_count():
    facts = [fact("detained", "2026-01-10", "Бишкек", "KG", confirmed=True),
             fact("released", None, confirmed=True),
             fact("deported", "2026-02-01", destination="RU", confirmed=False)]
    status = person_status(facts, "en")
    assert status.headline == "in custody in Bishkek, Kyrgyzstan since 10 January 2026"


def test_store_facts_work_as_well_as_dicts():
    facts = [Fact(person_id="p", type="detained", date="2026-01-28", date_text=None, place="Алматы",
                  charge=None, term_years=None, country="KZ")]
    assert person_status(facts, "ru").headline == "под стражей в Алматы, Казахстан, с 28 января 2026"


def test_dates_in_words_at_their_precision():
    assert [date_words(d, "ru") for d in ("2026-01-28", "2026-01", "2026", "2022/2023")] == [
        "28 января 2026", "январь 2026", "2026", "2022–2023"]
    assert [date_words(d, "en") for d in ("2026-01-28", "2026-01")] == ["28 January 2026", "January 2026"]
    assert [on_date(d, "ru") for d in ("2026-01-28", "2026-01", "2026")] == [
        "28 января 2026", "в январе 2026", "в 2026 году"]
    assert [since_date(d, "ru") for d in ("2026-01-28", "2026-01", "2026")] == [
        "с 28 января 2026", "с января 2026", "с 2026 года"]
    assert on_date("2026", "en") == "in 2026" and since_date("2026-01", "en") == "since January 2026"
