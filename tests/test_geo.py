"""The gazetteer: khronika.geo.country_of and country_name."""
from __future__ import annotations

import pytest

from khronika.alerts.rules import place_variants
from khronika.geo import COUNTRIES, PlaceMatch, country_codes, country_name, country_of, find_places, settle


@pytest.mark.parametrize("place, code", [
    # Russian, in any grammatical case, with or without a preposition.
    ("Казахстан", "KZ"), ("в Казахстане", "KZ"), ("из Казахстана", "KZ"), ("КАЗАХСТАНОМ", "KZ"),
    ("Пхукете", "TH"), ("на Пхукете", "TH"), ("из Алматы", "KZ"), ("Алма-Ате", "KZ"),
    ("Нур-Султане", "KZ"), ("Бишкеке", "KG"), ("в Оше", "KG"), ("Киргизии", "KG"),
    ("Ташкенте", "UZ"), ("Душанбе", "TJ"), ("Ашхабаде", "TM"), ("в Грузию", "GE"), ("Батуми", "GE"),
    ("Ереване", "AM"), ("Баку", "AZ"), ("в Стамбуле", "TR"), ("Анталье", "TR"), ("в ОАЭ", "AE"),
    ("Дубае", "AE"), ("Объединённых Арабских Эмиратах", "AE"), ("Паттайе", "TH"), ("Нячанге", "VN"),
    ("на Бали", "ID"), ("Улан-Баторе", "MN"), ("Белграде", "RS"), ("Черногории", "ME"),
    ("Тель-Авиве", "IL"), ("Германии", "DE"), ("Париже", "FR"), ("Варшаве", "PL"), ("Вильнюсе", "LT"),
    ("Риге", "LV"), ("Таллине", "EE"), ("Хельсинки", "FI"), ("Минске", "BY"), ("Киеве", "UA"),
    ("Крыму", "UA"), ("России", "RU"), ("в РФ", "RU"), ("Москве", "RU"), ("Санкт-Петербурге", "RU"),
    ("Ростове-на-Дону", "RU"), ("Бурятии", "RU"), ("Якутии", "RU"), ("Улан-Удэ", "RU"),
    ("в Нижнем Новгороде", "RU"), ("аэропорт Шереметьево", "RU"), ("Петропавловске", "KZ"),
    ("Петропавловске-Камчатском", "RU"), ("Саудовской Аравии", "SA"), ("в США", "US"),
    ("Нью-Йорке", "US"), ("казахстанский", "KZ"), ("казахстанские власти", "KZ"),
    # English.
    ("Kazakhstan", "KZ"), ("Almaty", "KZ"), ("Phuket", "TH"), ("Bishkek", "KG"), ("Tbilisi", "GE"),
    ("Istanbul, Turkey", "TR"), ("the UAE", "AE"), ("Ho Chi Minh City", "VN"), ("Bali", "ID"),
    ("Moscow", "RU"), ("New York", "US"), ("Kazakh", "KZ"), ("Buryatia", "RU"),
])
def test_country_of_place(place, code):
    assert country_of(place) == code


@pytest.mark.parametrize("text, code", [
    ("Его задержали в Стамбуле по запросу России.", "TR"),          # "в" + place first
    ("В конце января Казахстан также утвердил запросы России.", "KZ"),  # else the first named
    ("Казахстанские власти задержали россиянина.", "KZ"),           # an adjective, last resort
    ("Kazakh police detained a Russian man.", "KZ"),
    ("The US embassy said nothing.", "US"),
    ("Груз задержали на границе.", None),                          # "груз" is not Georgia
    ("he told us that", None),                                      # "us" is not the USA
    ("Родственники семей задержанных ждут.", None),                 # "семей" is not Semey
    ("Российские силовики требовали экстрадиции.", None),           # Russian adjectives say nothing
    ("", None),
])
def test_country_of_text(text, code):
    assert country_of(None, text) == code


def test_place_comes_before_text():
    assert country_of("Бишкек", "Его экстрадировали в Россию.") == "KG"
    assert country_of("аэропорт", "Его задержали в Ереване.") == "AM"
    assert country_of(None) is None
    assert country_of("   ", "") is None


def test_country_name():
    assert country_name("KZ") == "Казахстан"
    assert country_name("kz", "en") == "Kazakhstan"
    assert country_name("RU", "en") == "Russia"
    assert country_name("XX") == "XX"
    assert country_name(None) is None
    assert len({code for code, _ in COUNTRIES}) == len(COUNTRIES)


def test_alert_rules_share_the_country_table():
    assert "Kazakhstan" in place_variants("казахстан")
    assert "Турция" in place_variants("Turkey")


# --- the gazetteer package: find_places, settle, the data behind it ---------------


def _found(text, lang="ru", **options):
    return [(m.text, m.name, m.country, m.kind) for m in find_places(text, lang, **options)]


@pytest.mark.parametrize("text, expected", [
    # Countries and cities in any grammatical case, display name in the nominative.
    ("Его задержали в Казахстане и выслали в Грузию.",
     [("Казахстане", "Казахстан", "KZ", "country"), ("Грузию", "Грузия", "GE", "country")]),
    ("Из Алматы он уехал в Бишкек, потом жил в Бишкеке.",
     [("Алматы", "Алматы", "KZ", "city"), ("Бишкек", "Бишкек", "KG", "city"),
      ("Бишкеке", "Бишкек", "KG", "city")]),
    ("В Стамбуле и Клеве.", [("Стамбуле", "Стамбул", "TR", "city"), ("Клеве", "Клеве", "DE", "city")]),
    ("Его держат в Чекмекёе, потом в Хоргосе.",
     [("Чекмекёе", "Чекмекёй", "TR", "city"), ("Хоргосе", "Хоргос", "KZ", "facility")]),
    # Regions: Crimea is UA, Abkhazia and South Ossetia GE (ISO 3166).
    ("В Чечне, Крыму, Абхазии и Южной Осетии.",
     [("Чечне", "Чечня", "RU", "region"), ("Крыму", "Крым", "UA", "region"),
      ("Абхазии", "Абхазия", "GE", "region"), ("Южной Осетии", "Южная Осетия", "GE", "region")]),
])
def test_find_places_inflected(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Он жил в Нижнем Новгороде, потом в Санкт-Петербурге.",
     [("Нижнем Новгороде", "Нижний Новгород", "RU", "city"),
      ("Санкт-Петербурге", "Санкт-Петербург", "RU", "city")]),
    ("На Верхнем Ларсе его развернули.", [("Верхнем Ларсе", "Верхний Ларс", "RU", "facility")]),
    ("Рейс из Саудовской Аравии в Объединённые Арабские Эмираты.",
     [("Саудовской Аравии", "Саудовская Аравия", "SA", "country"),
      ("Объединённые Арабские Эмираты", "ОАЭ", "AE", "country")]),
    ("В Ленинградской области, не в Ленинградском.",        # the region, then the adjective alone
     [("Ленинградской области", "Ленинградская область", "RU", "region"),
      ("Ленинградском", "Санкт-Петербург", "RU", "adjective")]),
])
def test_find_places_multi_word(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("He flew from Saudi Arabia to the United Arab Emirates, then to Almaty.",
     [("Saudi Arabia", "Saudi Arabia", "SA", "country"), ("United Arab Emirates", "UAE", "AE", "country"),
      ("Almaty", "Almaty", "KZ", "city")]),
    ("Detained in Istanbul, freed in Batumi, turned back at Upper Lars.",
     [("Istanbul", "Istanbul", "TR", "city"), ("Batumi", "Batumi", "GE", "city"),
      # The Russian checkpoint of the road to Georgia (curated.tsv says why).
      ("Upper Lars", "Upper Lars", "RU", "facility")]),
    ("Kazakh police and Turkish courts; Russian officials.",
     [("Kazakh", "Kazakhstan", "KZ", "adjective"), ("Turkish", "Türkiye", "TR", "adjective"),
      ("Russian", "Russia", "RU", "adjective")]),
])
def test_find_places_english(text, expected):
    assert _found(text, "en") == expected


def test_adjectives_come_back_as_adjectives():
    assert _found("Казахстанская полиция и грузинские пограничники, российские силовики.") == [
        ("Казахстанская", "Казахстан", "KZ", "adjective"), ("грузинские", "Грузия", "GE", "adjective"),
        ("российские", "Россия", "RU", "adjective")]
    # A city's adjective names the city.
    assert _found("алматинский суд") == [("алматинский", "Алматы", "KZ", "adjective")]


def test_offsets_are_exact():
    text = "«Ёлки», — сказал он. Потом его задержали в Нижнем\u00a0Новгороде, а не в Алма-Ате!"
    matches = find_places(text)
    assert [(m.start, m.end) for m in matches] == [(43, 59), (68, 76)]
    assert all(text[m.start:m.end] == m.text for m in matches)
    # Stress marks and a Turkish dotted capital (it lowers to two characters): offsets still hold.
    text = "в Алма́ты и Бишке́ке"
    assert [(m.start, m.end, m.name) for m in find_places(text)] == [(2, 9, "Алматы"), (12, 20, "Бишкек")]
    text = "İstanbul, Çekmeköy and Kadıköy."
    assert [(m.start, m.end, m.text) for m in find_places(text, "en")] == [
        (0, 8, "İstanbul"), (10, 18, "Çekmeköy"), (23, 30, "Kadıköy")]


def test_ambiguous_names_are_settled_by_the_document():
    kz = find_places("Его доставили в Приозерск, на полигон в Казахстане.")[0]
    assert (kz.text, kz.country, kz.countries, kz.settled_by) == ("Приозерск", "KZ", ("RU", "KZ"), "context")
    assert kz.ambiguous
    ru = find_places("Приозерск, Ленинградская область.")[0]
    assert (ru.country, ru.settled_by) == ("RU", "context")
    # Unsettled: no country, every candidate.
    raw = find_places("Его доставили в Приозерск.", settle=False)[0]
    assert (raw.country, set(raw.countries)) == (None, {"RU", "KZ"})
    # settle() by hand: the context decides, else the default (the first candidate).
    assert settle(raw, ["KZ", "RU", "KZ"]).country == "KZ"
    assert settle(raw, {"RU": 2.0}).country == "RU"
    fallback = settle(raw, ["DE"])
    assert (fallback.country, fallback.settled_by) == (raw.countries[0], "default")
    # One candidate: nothing to settle.
    one = find_places("в Бишкеке")[0]
    assert not one.ambiguous and settle(one, ["KZ"]) is one


def test_georgia_the_country_unless_the_text_is_about_the_us():
    alone = find_places("He fled to Georgia.", "en")[0]
    assert (alone.country, alone.kind, alone.settled_by, alone.countries) == ("GE", "country", "default",
                                                                             ("GE", "US"))
    us = find_places("Atlanta, Georgia, United States.", "en")[1]
    assert (us.name, us.country, us.kind, us.settled_by) == ("Georgia", "US", "region", "context")
    # In Russian the state has its own name.
    assert _found("в штате Джорджия") == [("Джорджия", "Джорджия", "US", "region")]


@pytest.mark.parametrize("text", [
    "мир и бар", "орёл летит", "семей задержанных", "груз", "police and nice people", "Police said.",
    "One of them", "Его выдали по Минской конвенции.", "Кавказский узел сообщил.", "сша и рф",
])
def test_ordinary_words_are_not_places(text):
    assert find_places(text) == []


def test_common_word_names_match_capitalized_inside_a_sentence_only():
    # "Орёл" is a bird and a city, "Семей" a genitive and a city, "Nice" an adjective and a city.
    assert _found("Его задержали в Орле и в Семее.") == [("Орле", "Орёл", "RU", "city"),
                                                        ("Семее", "Семей", "KZ", "city")]
    assert _found("Орёл встретил его дождём.") == []                      # a sentence start
    assert _found("The hearing was in Nice.", "en") == [("Nice", "Nice", "FR", "city")]
    assert _found("Nice people.", "en") == []
    assert _found("Газета «Орёл» пишет.") == []                            # in quotes: a title


def test_person_names_are_not_places():
    assert _found("Ольга Иванова, София Петрова и Роман Пушкин") == []
    assert _found("Суд в Софии.") == [("Софии", "София", "BG", "city")]
    assert _found("Его увезли из Иванова.") == [("Иванова", "Иваново", "RU", "city")]
    assert _found("Vladimir Putin met Sofia Ivanova.", "en") == []
    assert _found("The trial in Sofia.", "en") == [("Sofia", "Sofia", "BG", "city")]


def test_abbreviations_in_their_own_case():
    assert _found("Его выдали в РФ из ОАЭ, потом в США.") == [
        ("РФ", "Россия", "RU", "country"), ("ОАЭ", "ОАЭ", "AE", "country"), ("США", "США", "US", "country")]
    assert country_of("сша") == "US"                      # an explicit place may write it in lower case
    assert _found("The U.S. and the UK, not us.", "en") == [("U.S", "USA", "US", "country"),
                                                           ("UK", "United Kingdom", "GB", "country")]


@pytest.mark.parametrize("place, code", [
    ("Клеве", "DE"), ("Чекмекёй", "TR"), ("Хоргос", "KZ"), ("аэропорт Астаны", "KZ"),
    ("Верховный суд Казахстана", "KZ"), ("на Верхнем Ларсе", "RU"), ("Лефортово", "RU"),
    ("Матросская Тишина", "RU"), ("Звартноц", "AM"), ("Манас", "KG"), ("Upper Lars", "RU"),
    ("Джалал-Абад", "KG"), ("Ош", "KG"), ("Batumi", "GE"),
])
def test_country_of_new_places(place, code):
    assert country_of(place) == code


def test_country_of_settles_an_ambiguous_place_by_the_text():
    assert country_of("Приозерск", "Его вывезли в военную часть в Казахстане.") == "KZ"
    assert country_of("Приозерск", "Приозерск Ленинградской области.") == "RU"


def test_country_name_both_languages():
    assert [country_name(c) for c in ("KZ", "AE", "US", "KG", "TR", "GB")] == [
        "Казахстан", "ОАЭ", "США", "Кыргызстан", "Турция", "Великобритания"]
    assert [country_name(c, "en") for c in ("KZ", "AE", "US", "KG", "TR", "GB")] == [
        "Kazakhstan", "UAE", "USA", "Kyrgyzstan", "Türkiye", "United Kingdom"]
    # CLDR's long forms give way to readable ones.
    assert (country_name("HK"), country_name("HK", "en"), country_name("AX")) == (
        "Гонконг", "Hong Kong", "Аландские острова")


def test_every_iso_country_is_known_and_matched():
    codes = country_codes()
    assert len(codes) >= 245 and {"KZ", "XK", "SS", "AQ"} <= set(codes) and "EU" not in codes
    assert codes[:3] == ["RU", "KZ", "KG"]                 # the project's countries first
    # Every name of COUNTRIES is in data/places.tsv (rerun scripts/build_places.py if not).
    for code, names in COUNTRIES:
        for name in names:
            if "," in name or "(" in name:                 # "Бонэйр, Синт-Эстатиус и Саба": not as a whole
                continue
            # Inside a sentence: "Того" and "Chad" are words too at its start.
            found = find_places("и " + name, settle=False) or find_places("и " + name.upper(), settle=False)
            assert found and code in found[0].countries, (code, name)


def test_place_match_is_a_frozen_value():
    match = find_places("в Ереване")[0]
    assert isinstance(match, PlaceMatch)
    assert match == PlaceMatch(2, 9, "Ереване", "Ереван", "AM", ("AM",), "city", match.population)
    with pytest.raises(AttributeError):
        match.country = "GE"


def test_a_date_is_not_a_place():
    # GeoNames has a town called "28 May"; a month must never become it.
    assert find_places("He was detained on May 28 in Baku.", "en")[0].text == "Baku"
