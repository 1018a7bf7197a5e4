"""What a timeline line says beyond its type: dates anchored on the
publication date (a URL's date included), dates of reports versus acts,
charges in English and Russian, and what several sentences of one text say
about the same act."""
from khronika.model import Document, EventMention
from khronika.nlp import en, ru
from khronika.nlp.facts import share_within_document
from khronika.nlp.ru_dates import url_date


def extract(module, text, published=None, url=None, lang="ru"):
    doc = Document(id="t", path="t.txt", text=text, sha256="", captured_at="", published=published,
                   url=url, language=lang)
    ex = module.extract(doc)
    names = {p.local_id: p.name for p in ex.persons}
    return {(names[e.person], e.type): e for e in ex.events}


def test_url_dates():
    assert url_date("https://example.org/2023/08/what-fate-awaits") == "2023-08"
    assert url_date("https://example.org/news/2019-03-14/story") == "2019-03-14"
    assert url_date("https://example.org/a/20230815-story.html") == "2023-08-15"
    assert url_date("https://example.org/a/12345") is None
    assert url_date(None) is None


def test_url_date_anchors_a_yearless_date_over_a_year_in_passing():
    text = ("In 2020 Ivan Petrov founded a small company. "
            "Ivan Petrov was detained in Almaty on June 22.")
    got = extract(en, text, url="https://example.org/2023/08/story", lang="en")
    assert got[("Ivan Petrov", "detained")].date == "2023-06-22"


def test_the_date_of_a_report_is_not_the_date_of_the_act():
    text = "В начале февраля 2026 года стало известно, что полиция выдала Семёна Бажукова российским военным."
    got = extract(ru, text, published="2026-03-01")
    assert got[("Семён Бажуков", "handed_over")].date == "2026"


def test_the_date_of_another_verb_is_kept():
    text = "Вчера Бобомурод Абдуллаев предстал перед судом, где судья заявил, что его арестовали законно."
    got = extract(ru, text, published="2020-08-11")
    assert got[("Бобомурод Абдуллаев", "arrested")].date == "2020-08-10"


def test_english_charges():
    got = extract(en, "Afgan Mukhtarli was sentenced to six years in prison on charges of illegal border "
                      "crossing, smuggling and disobedience.", published="2018-01-12", lang="en")
    event = got[("Afgan Mukhtarli", "sentenced")]
    assert event.charge.startswith("illegal border crossing") and event.term_years == 6


def test_russian_charge_after_po_obvineniyu():
    got = extract(ru, "Суд приговорил Ахтема Чийгоза к восьми годам по обвинению в организации массовых "
                      "беспорядков.", published="2017-09-11")
    event = got[("Ахтем Чийгоз", "sentenced")]
    assert event.charge.startswith("организация массовых беспорядков") and event.term_years == 8


def test_one_act_told_twice_shares_its_charge_and_country():
    first = EventMention(person="p1", type="sentenced", evidence="a", document="d", start=0, end=1)
    second = EventMention(person="p1", type="sentenced", evidence="b", document="d", charge="контрабанда",
                          term_years=6.0, country="AZ", place="Азербайджан", start=5, end=6)
    other = EventMention(person="p2", type="sentenced", evidence="c", document="d", start=9, end=10)
    share_within_document([first, second, other])
    assert (first.charge, first.term_years, first.country, first.place) == ("контрабанда", 6.0, "AZ", "Азербайджан")
    assert other.charge is None and other.country is None
