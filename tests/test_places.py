"""Where events happened: the role a place plays in its sentence decides
whether it is the place of the act, and the narrative supplies the rest.
Short texts of our own making, Russian and English."""
import pytest

from khronika.model import Document
from khronika.nlp import en, ru


def located(text, lang="ru"):
    doc = Document(id="t", path="t.txt", text=text, sha256="", captured_at="", published="2026-03-01",
                   language=lang)
    ex = (ru if lang == "ru" else en).extract(doc)
    names = {p.local_id: p.name for p in ex.persons}
    return {(names[e.person], e.type): (e.place, e.country, e.destination) for e in ex.events}


@pytest.mark.parametrize("text, key, country", [
    # The requesting state is not where the approval happened.
    ("Казахстан утвердил запрос России об экстрадиции Мансура Мовлаева.",
     ("Мансур Мовлаев", "extradition_approved"), "KZ"),
    # An actor's adjective places the act; the exile's nationality does not.
    ("Казахстанская полиция задержала российского активиста Дениса Козака.",
     ("Денис Козак", "detained"), "KZ"),
    # A court in the genitive: the appeal was filed there, not in the requesting state.
    ("Адвокаты Юлии Емельяновой подали апелляцию против запроса России в Верховный суд Казахстана.",
     ("Юлия Емельянова", "appeal_filed"), "KZ"),
    # "на родине" in a text about Russian exiles: wanted at home.
    ("Казахстан задержал Наталью Нарскую, разыскиваемую на родине. Её разыскивает Россия.",
     ("Наталья Нарская", "detained"), "KZ"),
])
def test_russian_roles(text, key, country):
    got = located(text)
    assert got[key][1] == country, got


def test_russian_birthplace_is_not_the_place():
    got = located("Уроженец Душанбе Бахтиер Рахимов был задержан в Стамбуле.")
    place, country, _ = got[("Бахтиёр Рахимов", "detained")]
    assert country == "TR" and "Стамбул" in place


def test_russian_there_and_destination():
    got = located("Михаила Жилина задержали на границе Казахстана и отправили в Россию. "
                  "Там его приговорили к шести годам за дезертирство.")
    assert got[("Михаил Жилин", "detained")][1] == "KZ"
    assert got[("Михаил Жилин", "deported")][2] == "RU"
    assert got[("Михаил Жилин", "sentenced")][1] == "RU"


def test_russian_setting_carries_to_generic_site():
    got = located("Игорь Лаптев переехал в Грузию в 2022 году. В марте его задержали в аэропорту.")
    place, country, _ = got[("Игорь Лаптев", "detained")]
    assert country == "GE" and place.startswith("аэропорт")


def test_russian_crime_place_is_not_the_charge_place():
    got = located("Генпрокуратура России направила в Грузию запрос о выдаче Александра Глухова, "
                  "обвиняемого в дезертирстве из воинской части в Южной Осетии.")
    assert got[("Александр Глухов", "extradition_requested")][1] == "GE"
    assert got[("Александр Глухов", "charged")][1] != "GE"


def test_no_place_stays_none():
    got = located("Сергея Павлова задержали.")
    assert got[("Сергей Павлов", "detained")] == (None, None, None)


@pytest.mark.parametrize("text, key, country", [
    ("Kazakh police detained Russian activist Denis Kozak in Almaty at Russia's request.",
     ("Denis Kozak", "detained"), "KZ"),
    ("Georgia deported Ivan Petrov to Russia on Monday.", ("Ivan Petrov", "deported"), "GE"),
    ("Born in Dushanbe, Bakhtiyor Rakhimov was detained in Istanbul.",
     ("Bakhtiyor Rakhimov", "detained"), "TR"),
])
def test_english_roles(text, key, country):
    got = located(text, "en")
    assert got[key][1] == country, got


def test_english_destination():
    got = located("Georgia deported Ivan Petrov to Russia on Monday.", "en")
    assert got[("Ivan Petrov", "deported")][2] == "RU"


def test_english_dateline_is_not_the_actor_and_for_after_leaving_is_a_destination():
    got = located("DUSHANBE -- Moscow police detained Tajik blogger Komil Mirzoev on Monday.", "en")
    assert got[("Komil Mirzoev", "detained")][1] == "RU"
    got = located("In 2020, Bobur Abdullaev fled the country for Kyrgyzstan.", "en")
    assert got[("Bobur Abdullaev", "fled")][2] == "KG"


def test_flashback_is_not_placed_where_the_story_since_took_the_person():
    got = located("В марте 2025 года Тимура Ласточкина выдали России. "
                  "В сентябре 2024 года его задержали на границе.")
    assert got[("Тимур Ласточкин", "extradited")][2] == "RU"
    assert got[("Тимур Ласточкин", "detained")][1] != "RU"
