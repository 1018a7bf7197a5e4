"""Russian extraction on short texts of our own making: every event type,
negation and intention, pronouns, lists of persons, roles, debris."""
import pytest

from khronika.model import Document
from khronika.nlp import ru


def extract(text, published=None):
    doc = Document(id="t", path="t.txt", text=text, sha256="", captured_at="", published=published,
                   language="ru")
    return ru.extract(doc)


def events_of(text, published="2026-03-01"):
    ex = extract(text, published)
    names = {p.local_id: p.name for p in ex.persons}
    return [(names[e.person], e.type) for e in ex.events], ex


# One sentence (or two) per event type: the person named, the type expected.
EVENT_TYPES = [
    ("В 2022 году Игорь Лаптев бежал из России в Грузию.", "Игорь Лаптев", "fled"),
    ("МВД объявило Ирину Соколову в розыск.", "Ирина Соколова", "wanted"),
    ("В Бишкеке полиция задержала Тимура Ахмедова.", "Тимур Ахмедов", "detained"),
    ("Суд арестовал Олега Рябова на два месяца.", "Олег Рябов", "arrested"),
    ("Следователи предъявили Анне Крыловой обвинение в госизмене.", "Анна Крылова", "charged"),
    ("Россия запросила экстрадицию Виктора Зайцева.", "Виктор Зайцев", "extradition_requested"),
    ("Генпрокуратура Армении одобрила экстрадицию Виктора Зайцева.", "Виктор Зайцев",
     "extradition_approved"),
    ("Суд отказал в экстрадиции Павла Орлова.", "Павел Орлов", "extradition_denied"),
    ("Казахстан экстрадировал Руслана Гаджиева в Россию.", "Руслан Гаджиев", "extradited"),
    ("Суд принял решение о депортации Марии Лебедевой.", "Мария Лебедева", "deportation_ordered"),
    ("Власти Киргизии депортировали Артёма Белова в Россию.", "Артём Белов", "deported"),
    ("Полиция передала Дениса Носова российским силовикам.", "Денис Носов", "handed_over"),
    ("Позже Сергея Кудрина этапировали в колонию в Пермском крае.", "Сергей Кудрин", "transferred"),
    ("Пограничники не пустили Ксению Белову в страну.", "Ксения Белова", "entry_refused"),
    ("Илья Громов подал заявление на убежище в Германии.", "Илья Громов", "asylum_applied"),
    ("Власти Турции отказали Илье Громову в убежище.", "Илья Громов", "asylum_denied"),
    ("Франция предоставила Илье Громову политическое убежище.", "Илья Громов", "asylum_granted"),
    ("Вчера суд освободил Нину Фомину из-под стражи.", "Нина Фомина", "released"),
    ("Суд приговорил Андрея Лунина к восьми годам колонии за дезертирство.", "Андрей Лунин", "sentenced"),
    ("Адвокаты Марата Исаева подали апелляцию.", "Марат Исаев", "appeal_filed"),
    ("Вадиму Корнилову удалось сбежать из изолятора.", "Вадим Корнилов", "escaped"),
    ("В мае Глеб Карпов пропал без вести в Ереване.", "Глеб Карпов", "disappeared"),
]


@pytest.mark.parametrize("text,name,etype", EVENT_TYPES)
def test_every_event_type(text, name, etype):
    found, _ = events_of(text)
    assert (name, etype) in found


def test_all_contract_types_are_covered_by_the_table():
    from khronika.model import EVENT_TYPES as CONTRACT
    assert {etype for _, _, etype in EVENT_TYPES} == set(CONTRACT)


@pytest.mark.parametrize("text", [
    "Власти заявили, что Петра Сомова не будут экстрадировать.",
    "Пётр Сомов планировал подать на убежище в Турции.",
    "Полицейские собирались депортировать Петра Сомова.",
    "Петру Сомову угрожает экстрадиция в Россию.",
    "Силовики ждали Петра Сомова, чтобы арестовать его.",
    "Пётр Сомов не был задержан.",
    "Если Петра Сомова выдадут, ему грозит срок.",
])
def test_negated_intended_and_hypothetical_acts_are_not_events(text):
    found, _ = events_of(text)
    assert found == []


def test_blocked_extradition_is_a_denial():
    found, _ = events_of("Экстрадицию Павла Орлова удалось заблокировать. Ранее Павла Орлова задержали в Алматы.")
    assert ("Павел Орлов", "extradition_denied") in found
    assert ("Павел Орлов", "extradited") not in found


def test_pronouns_attach_to_the_right_person():
    text = ("Министр юстиции Арман Сеитов заявил, что закон будет соблюден. "
            "Дмитрий Волков уехал из России в 2022 году. Он бежал в Казахстан. "
            "Там его задержали в марте 2025 года.")
    found, _ = events_of(text)
    assert ("Дмитрий Волков", "detained") in found
    assert not any(name == "Арман Сеитов" for name, _ in found)


def test_feminine_pronoun_and_surname_only_mentions():
    text = ("Юлию Емельянову задержали в Астане. Позже Емельянову перевели в СИЗО. "
            "Ей предъявили обвинение в краже.")
    found, ex = events_of(text)
    names = {p.name for p in ex.persons}
    assert names == {"Юлия Емельянова"}
    assert ("Юлия Емельянова", "detained") in found
    assert ("Юлия Емельянова", "charged") in found


def test_several_persons_in_one_sentence_and_a_plural_pronoun():
    text = ("Полиция задержала Евгению Балтатарову, Айхал Аммосова, Наталью Нарскую и Дениса Козака. "
            "Их экстрадиции были заблокированы.")
    found, ex = events_of(text)
    people = {"Евгения Балтатарова", "Айхал Аммосов", "Наталья Нарская", "Денис Козак"}
    assert {p.name for p in ex.persons} == people
    assert {n for n, t in found if t == "detained"} == people
    assert {n for n, t in found if t == "extradition_denied"} == people


def test_two_people_two_types_in_one_sentence():
    found, _ = events_of("Прокуратура обвинила Рустама Ибрагимова в экстремизме, а Лейлу Ибрагимову "
                         "суд освободил.")
    assert ("Рустам Ибрагимов", "charged") in found
    assert ("Лейла Ибрагимова", "released") in found
    assert ("Лейла Ибрагимова", "charged") not in found


def test_roles_from_titles_and_quotes():
    text = ("Президент Казахстана Касым-Жомарт Токаев заявил о безопасности. "
            "«Это незаконно», — сказал Юрий Смирнов, адвокат правозащитной группы. "
            "Журналист Ольга Миронова написала об этом. "
            "Силовики задержали Игоря Лаптева по запросу России.")
    ex = extract(text, "2026-02-01")
    roles = {p.name: p.role for p in ex.persons}
    assert roles["Касым-Жомарт Токаев"] == "official"
    assert roles["Юрий Смирнов"] == "lawyer"
    assert roles["Ольга Миронова"] == "journalist"
    assert roles["Игорь Лаптев"] == "subject"


def test_charge_and_term_of_a_sentence():
    _, ex = events_of("Суд приговорил Андрея Лунина к восьми годам колонии за дезертирство.")
    sentenced = next(e for e in ex.events if e.type == "sentenced")
    assert sentenced.term_years == 8
    assert sentenced.charge == "дезертирство"


def test_charge_in_nominative():
    _, ex = events_of("Следователи обвинили Мансура Мовлаева в финансировании экстремизма.")
    charged = next(e for e in ex.events if e.type == "charged")
    assert charged.charge == "финансирование экстремизма"


def test_evidence_is_the_sentence_and_offsets_point_at_it():
    text = "Первое предложение без событий. Полиция задержала Тимура Ахмедова в Бишкеке."
    ex = extract(text, "2026-01-01")
    event = ex.events[0]
    assert event.evidence == "Полиция задержала Тимура Ахмедова в Бишкеке."
    assert text[event.start:event.end] == event.evidence
    assert event.place == "Бишкек, Кыргызстан" and event.country == "KG"


def test_quoted_unit_name_is_not_a_person():
    ex = extract("Дезертир из чеченского «Ахмата» Ислам Умаров бежал в Турцию.", "2026-01-01")
    assert {p.name for p in ex.persons} == {"Ислам Умаров"}


def test_extraction_is_deterministic():
    text = "В мае полиция задержала Тимура Ахмедова. Его депортировали в Россию."
    a, b = extract(text, "2026-06-01"), extract(text, "2026-06-01")
    assert [(e.person, e.type, e.date, e.id) for e in a.events] == \
        [(e.person, e.type, e.date, e.id) for e in b.events]
