"""The gazetteer: khronika.geo.country_of and country_name."""
from __future__ import annotations

import pytest

from khronika.alerts.rules import place_variants
from khronika.geo import COUNTRIES, country_name, country_of


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
