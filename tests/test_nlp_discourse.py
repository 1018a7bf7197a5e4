"""Who speaks, who is meant and when: interviews (first person, the
interviewer's questions, relatives and lawyers speaking for someone), sources
quoted "по словам", events told without a name, datelines and live-blog
timestamps, weekday and relative dates, in Russian and English."""
from khronika.model import Document
from khronika.nlp import en, ru, ru_dates


def _doc(text, language, published=None):
    return Document(id="t", path="t.txt", text=text, sha256="", captured_at="", published=published,
                    language=language)


def events(text, language="ru", published=None):
    ex = (ru if language == "ru" else en).extract(_doc(text, language, published))
    names = {p.local_id: p.name for p in ex.persons}
    return {(names[e.person], e.type, e.date) for e in ex.events}, ex


def types_of(found, name):
    return {t for n, t, _ in found if n == name}


# --- interviews ---------------------------------------------------------------

QA = """Инженер Павел Сомов уехал в Грузию в 2022 году. Мы поговорили с ним после освобождения.

— Когда вас задержали?

— 5 мая 2025 года, прямо в аэропорту. Меня задержали пограничники, а через два дня суд арестовал меня.

— Вы просили убежища?

— Нет, не успел.

— Вам предъявили обвинение?

— Да, 9 мая.
"""


def test_first_person_answers_are_the_interviewee():
    found, _ = events(QA)
    assert ("Павел Сомов", "detained", "2025-05-05") in found
    assert ("Павел Сомов", "arrested", "2025-05-07") in found


def test_questions_report_nothing_unless_answered_yes():
    found, _ = events(QA)
    assert "asylum_applied" not in types_of(found, "Павел Сомов")     # "— Вы просили убежища? — Нет"
    assert ("Павел Сомов", "charged", "2025-05-09") in found          # "— …обвинение? — Да, 9 мая."


RELATIVES = """Мать и адвокат Олега Крайнова рассказали о его задержании.

Олег Крайнов переехал в Ереван в 2023 году. Мы поговорили с его матерью Ниной Крайновой и адвокатом Арсеном Саакяном.

— Моего сына задержали 3 марта 2025 года у подъезда, — рассказывает Нина Крайнова.

По словам Саакяна, на следующий день суд отправил Крайнова под арест.

— Мы подали апелляцию, но суд оставил арест в силе, — говорит адвокат.

В апреле Генпрокуратура одобрила экстрадицию.
"""


def test_a_relative_speaks_of_the_subject():
    found, ex = events(RELATIVES)
    assert ("Олег Крайнов", "detained", "2025-03-03") in found
    # "Крайнова" after the verb is his accusative, not his mother
    assert ("Олег Крайнов", "arrested", "2025-03-04") in found
    roles = {p.name: p.role for p in ex.persons}
    assert roles["Нина Крайнова"] != "subject" and roles["Арсен Саакян"] == "lawyer"


def test_the_lawyers_we_appeal_for_the_client_and_the_source_is_no_patient():
    found, _ = events(RELATIVES)
    assert "appeal_filed" in types_of(found, "Олег Крайнов")
    assert not types_of(found, "Арсен Саакян")               # "По словам Саакяна": a source


def test_an_event_without_a_name_belongs_to_the_case_being_told():
    found, _ = events(RELATIVES)
    assert ("Олег Крайнов", "extradition_approved", "2025-04") in found


def test_first_name_and_patronymic_is_the_person_named_in_full():
    _, ex = events("Ильдар Сафин уехал в Казахстан в 2022 году. "
                   "Ильдар Маратович был задержан в Астане 4 мая 2025 года.")
    assert [p.name for p in ex.persons] == ["Ильдар Сафин"]


def test_a_fear_is_not_a_report():
    found, _ = events("Иван Сизов не выходит на связь с 2 мая 2025 года. "
                      "Его брат опасается, что Сизова задержали.")
    assert "detained" not in types_of(found, "Иван Сизов")


# --- dates -------------------------------------------------------------------

def test_a_dateline_is_the_day_weekdays_count_from():
    text = "Бишкек, 17 октября 2025 года\n\nВо вторник в Бишкеке задержали Кирилла Рощина."
    assert ru_dates.dateline(text) == "2025-10-17"
    found, _ = events(text)
    assert ("Кирилл Рощин", "detained", "2025-10-14") in found


def test_a_date_in_a_sentence_is_no_dateline():
    assert ru_dates.dateline("Заголовок\nВ понедельник 3 марта 2025 года его задержали.") is None


def test_the_day_before_and_the_day_after_an_event():
    found, _ = events("Утром 9 апреля 2025 года адвокат приехал в СИЗО. "
                      "Накануне вечером Руслана Бекова экстрадировали в Россию. "
                      "Его задержали 2 марта 2025 года, а на следующий день после задержания "
                      "суд арестовал Бекова.")
    assert ("Руслан Беков", "extradited", "2025-04-08") in found
    assert ("Руслан Беков", "arrested", "2025-03-03") in found


def test_a_relative_clause_keeps_its_date_to_itself():
    found, _ = events("В четверг Грузия депортировала Игоря Сазонова, задержанного в Батуми в конце сентября.",
                      published="2025-10-17")
    assert ("Игорь Сазонов", "deported", "2025-10-16") in found
    assert ("Игорь Сазонов", "detained", "2025-09") in found


# --- English -------------------------------------------------------------------

LIVEBLOG = """LIVE: Court hears expulsion case
Thursday, 9 October 2025 — all times local

19:02 — Pavel Kovrov has been moved to the Gldani prison, his lawyer says.

09:20 — The court hears the case of Pavel Kovrov and Daria Sokolova today, two activists detained on Tuesday.
"""


def test_a_live_blog_entry_happens_on_the_blogs_day():
    found, _ = events(LIVEBLOG, "en")
    assert ("Pavel Kovrov", "transferred", "2025-10-09") in found
    assert ("Daria Sokolova", "detained", "2025-10-07") in found


def test_a_newcomer_in_a_subordinate_clause_does_not_take_the_pronoun():
    found, _ = events("Yegor Frolov, a musician from Omsk, was detained in March 2022. He was released a day later. "
                      "Six months later, when Vladimir Putin announced mobilization, he crossed into Georgia. "
                      "That November he was charged with desertion.", "en")
    assert ("Yegor Frolov", "fled", "2022-09") in found
    assert ("Yegor Frolov", "charged", "2022-11") in found
    assert not types_of(found, "Vladimir Putin")


def test_entry_refused_to_a_named_person_and_a_wire_dateline():
    text = "Georgia turns back journalist\n\nBy Staff\nOctober 3, 2025\n\n" \
           "On Monday border guards refused entry to Anna Lisina, a Russian journalist."
    found, _ = events(text, "en")
    assert ("Anna Lisina", "entry_refused", "2025-09-29") in found
