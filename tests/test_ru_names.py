"""Inflected Russian names -> the nominative with the right gender."""
import pytest

from khronika.nlp.ru_names import analyse

CASES = [
    # (mention, case the context demands or None, expected nominative, gender)
    ("Евгению Балтатарову", {"accs"}, "Евгения Балтатарова", "f"),
    ("Наталью Нарскую", None, "Наталья Нарская", "f"),
    ("Камиля Касимова", None, "Камиль Касимов", "m"),
    ("Олександра Качкуркина", None, "Олександр Качкуркин", "m"),
    ("Юлии Емельяновой", None, "Юлия Емельянова", "f"),
    ("Емельянову", {"accs"}, "Емельянова", "f"),
    ("Айхал Аммосова", None, "Айхал Аммосов", "m"),
    ("Дениса Козака", None, "Денис Козак", "m"),
    ("Анну Шевчук", None, "Анна Шевчук", "f"),
    ("Семена Бажукова", None, "Семён Бажуков", "m"),
    ("Алексея Навального", None, "Алексей Навальный", "m"),
    ("Мансура Мовлаева", None, "Мансур Мовлаев", "m"),
    ("Ивана Ивановича Петрова", None, "Иван Иванович Петров", "m"),
    ("Марину Сергеевну Белоусову", None, "Марина Сергеевна Белоусова", "f"),
    ("Ольгой Ковальской", None, "Ольга Ковальская", "f"),
    ("Петровой Анны", None, "Анна Петрова", "f"),
    ("Касым-Жомарт Токаев", None, "Касым-Жомарт Токаев", "m"),
    ("Зелимхану Муртазову", {"datv"}, "Зелимхан Муртазов", "m"),
    ("Айсена Павлова", None, "Айсен Павлов", "m"),
    ("Фёдору Смирнову", None, "Фёдор Смирнов", "m"),
    ("Сергея Шойгу", None, "Сергей Шойгу", "m"),
]


@pytest.mark.parametrize("mention,hint,expected,gender", CASES)
def test_nominative_with_gender(mention, hint, expected, gender):
    analysis = analyse(mention.split(), case_hint=frozenset(hint) if hint else None)
    assert analysis.full == expected
    assert analysis.gender == gender


def test_ambiguous_surname_keeps_both_readings_for_the_document_to_settle():
    analysis = analyse(["Емельянова"])
    # Masculine genitive/accusative or feminine nominative: both stay available.
    assert set(analysis.alternatives) == {"m", "f"}
    assert analysis.alternatives["f"][2] == "Емельянова"
    assert analysis.alternatives["m"][2] == "Емельянов"


def test_surname_key_is_shared_by_all_forms():
    keys = {analyse([w]).surname_key for w in ("Емельянову", "Емельяновой", "Емельянов", "Емельянова")}
    assert keys == {"емельянов"}
