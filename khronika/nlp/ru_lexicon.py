"""Russian words that signal events, roles and modality.

Kept apart from the rules that use them so that a reviewer can read the whole
vocabulary in one place. Everything is keyed by lemma (Natasha/pymorphy
lemmas, ё folded to е).
"""
from __future__ import annotations

# Slots: who the event happens to, relative to the trigger word.
#   obj  - the direct object of an active verb ("задержали Качкуркина", "его задержали");
#          a passive form turns it into the subject ("Качкуркин был задержан")
#   subj - the subject ("он бежал", "Мовлаев находится в заключении")
#   gen  - the genitive after a noun, or a possessive before it ("депортация Качкуркина",
#          "его депортации", "обвинения против них")
#   dat  - the dative recipient ("ему предъявили обвинение", "ей отказали в убежище")

# Single verbs: lemma -> (event type, slot, confidence).
VERB_TRIGGERS = {
    "бежать": ("fled", "subj", 0.75),
    "сбежать": ("fled", "subj", 0.75),
    "убежать": ("fled", "subj", 0.7),
    "эмигрировать": ("fled", "subj", 0.75),
    "переехать": ("fled", "subj", 0.55),
    "уехать": ("fled", "subj", 0.55),
    "скрыться": ("fled", "subj", 0.55),
    "задержать": ("detained", "obj", 0.85),
    "задерживать": ("detained", "obj", 0.7),
    "поймать": ("detained", "obj", 0.75),
    "схватить": ("detained", "obj", 0.7),
    "похитить": ("detained", "obj", 0.6),
    "арестовать": ("arrested", "obj", 0.85),
    "обвинить": ("charged", "obj", 0.8),
    "обвинять": ("charged", "obj", 0.7),
    "разыскивать": ("wanted", "obj", 0.7),
    "экстрадировать": ("extradited", "obj", 0.85),
    "депортировать": ("deported", "obj", 0.85),
    "выдворить": ("deported", "obj", 0.85),
    "выслать": ("deported", "obj", 0.75),
    "перевести": ("transferred", "obj", 0.6),
    "этапировать": ("transferred", "obj", 0.75),
    "освободить": ("released", "obj", 0.8),
    "отпустить": ("released", "obj", 0.7),
    "выпустить": ("released", "obj", 0.65),
    "приговорить": ("sentenced", "obj", 0.9),
    "осудить": ("sentenced", "obj", 0.75),
    "обжаловать": ("appeal_filed", "subj", 0.7),
    "пропасть": ("disappeared", "subj", 0.6),
    "исчезнуть": ("disappeared", "subj", 0.65),
    # Removal verbs: the type depends on who receives the person (see classify_removal).
    "выдать": ("removal", "obj", 0.8),
    "выдавать": ("removal", "obj", 0.6),
    "отправить": ("removal", "obj", 0.6),
    "вернуть": ("removal", "obj", 0.6),
    "возвратить": ("removal", "obj", 0.6),
    "доставить": ("removal", "obj", 0.6),
    "передать": ("removal", "obj", 0.6),
}

# Nouns: lemma -> (event type, confidence). Their person is in the "gen" slot.
NOUN_TRIGGERS = {
    "задержание": ("detained", 0.7),
    "арест": ("arrested", 0.7),
    "депортация": ("deported", 0.7),
    "выдворение": ("deported", 0.7),
    "экстрадиция": ("extradited", 0.55),
    "выдача": ("extradited", 0.5),
    "побег": ("escaped", 0.6),
    "исчезновение": ("disappeared", 0.65),
    "освобождение": ("released", 0.6),
    "приговор": ("sentenced", 0.55),
    "обвинение": ("charged", 0.6),
}

# Participles and adjectives that describe the person they agree with.
PARTICIPLE_TRIGGERS = {
    "разыскиваемый": "wanted", "разыскивать": "wanted",
    "задержанный": "detained", "арестованный": "arrested", "обвиняемый": "charged",
    "осужденный": "sentenced", "депортированный": "deported", "экстрадированный": "extradited",
}

# Multi-word triggers: (steps, type, slot, confidence). A step is a set of lemmas;
# up to `gap` other tokens may stand between two steps. The first step is the
# trigger word. Where one of these matches, its words are not read again as
# single triggers ("запрос об экстрадиции" is a request, not an extradition).
def _s(*words):
    return frozenset(words)


REQUEST = _s("запрос", "просьба", "требование", "ходатайство", "заявление", "прошение")
EXTRADITION = _s("экстрадиция", "выдача")
ASYLUM = _s("убежище", "беженец", "беженка", "защита")
DEPORTATION = _s("депортация", "выдворение", "высылка")
CUSTODY_PLACE = _s("заключение", "стража", "сизо", "изолятор", "колония", "тюрьма", "арест",
                   "спецприемник", "изоляция", "цвсиг", "центр")

PHRASE_TRIGGERS = [
    # charged
    ((_s("предъявить"), _s("обвинение")), 3, "charged", "dat", 0.85),
    ((_s("возбудить", "открыть", "завести"), _s("дело")), 3, "charged", "against", 0.8),
    ((_s("стать"), _s("фигурант", "обвиняемый", "подозреваемый")), 2, "charged", "subj", 0.75),
    # wanted
    ((_s("объявить", "объявлять"), _s("розыск")), 4, "wanted", "obj", 0.85),
    ((_s("находиться", "числиться", "значиться"), _s("розыск")), 3, "wanted", "subj", 0.8),
    # arrested: held in custody
    ((_s("находиться", "содержаться", "оставаться", "остаться", "сидеть", "провести"), CUSTODY_PLACE), 4,
     "arrested", "subj", 0.75),
    ((_s("заключить", "взять", "поместить", "посадить"), CUSTODY_PLACE), 3, "arrested", "obj", 0.8),
    ((_s("отправить"), _s("сизо", "изолятор", "спецприемник")), 3, "arrested", "obj", 0.75),
    # extradition
    ((REQUEST, EXTRADITION), 3, "extradition_requested", "gen", 0.75),
    ((_s("запросить", "потребовать", "добиваться", "требовать"), EXTRADITION), 3,
     "extradition_requested", "gen", 0.75),
    ((_s("утвердить", "одобрить", "удовлетворить", "санкционировать"), REQUEST | EXTRADITION), 2,
     "extradition_approved", "gen", 0.8),
    ((_s("решение"), _s("экстрадиция", "выдача")), 2, "extradition_approved", "gen", 0.6),
    ((_s("отказать", "отказаться", "отклонить", "заблокировать", "отменить", "остановить"), EXTRADITION), 4,
     "extradition_denied", "gen", 0.8),
    ((EXTRADITION, _s("заблокировать", "отклонить", "отменить", "остановить", "отказать", "блокировать")), 4,
     "extradition_denied", "gen", 0.8),
    # deportation orders
    ((_s("решение", "постановление", "приговор"), DEPORTATION), 3, "deportation_ordered", "gen", 0.75),
    ((_s("потребовать", "запросить", "назначить", "постановить", "принять"), DEPORTATION), 3,
     "deportation_ordered", "gen", 0.7),
    ((_s("постановить", "решить"), _s("депортировать", "выдворить", "выслать")), 2,
     "deportation_ordered", "obj", 0.75),
    # entry refused
    ((_s("не"), _s("разрешить", "позволить", "пустить", "впустить", "пропустить"),
      _s("въезд", "въехать", "покинуть", "пересечь", "выйти")), 2, "entry_refused", "dat", 0.75),
    ((_s("не"), _s("пустить", "впустить", "пропустить")), 1, "entry_refused", "obj", 0.7),
    ((_s("отказаться", "отказать"), _s("пускать", "пустить", "впускать", "въезд", "пропускать")), 2,
     "entry_refused", "obj", 0.8),
    ((_s("запретить", "закрыть"), _s("въезд")), 3, "entry_refused", "dat", 0.75),
    ((_s("развернуть"), _s("граница", "аэропорт")), 4, "entry_refused", "obj", 0.6),
    # asylum
    ((_s("подать", "направить", "податься", "запросить", "попросить", "просить"), REQUEST | ASYLUM, ), 3,
     "asylum", "subj", 0.8),
    ((REQUEST, _s("убежище", "беженец")), 4, "asylum_applied", "gen", 0.7),
    ((_s("отказать", "отклонить"), _s("убежище", "беженец", "статус")), 4, "asylum_denied", "dat", 0.8),
    ((_s("предоставить", "дать"), _s("убежище", "статус")), 4, "asylum_granted", "dat", 0.8),
    ((_s("получить"), _s("убежище", "статус")), 4, "asylum_granted", "subj", 0.75),
    # request outcomes whose topic (asylum, extradition) is named nearby
    ((REQUEST, _s("отклонить", "отвергнуть", "отказать")), 5, "request_denied", "gen", 0.7),
    ((REQUEST, _s("удовлетворить", "одобрить")), 5, "request_granted", "gen", 0.7),
    # appeals
    ((_s("подать", "направить"), _s("апелляция", "жалоба", "кассация")), 3, "appeal_filed", "subj", 0.8),
    # released
    ((_s("выйти", "оказаться"), _s("свобода")), 2, "released", "subj", 0.8),
    # sentenced: "получил шесть лет колонии"
    ((_s("получить"), _s("срок", "колония", "заключение", "тюрьма", "лишение")), 6, "sentenced", "subj", 0.6),
    ((_s("назначить"), _s("наказание", "срок")), 4, "sentenced", "dat", 0.75),
    # escaped
    ((_s("совершить"), _s("побег")), 2, "escaped", "subj", 0.8),
    # disappeared
    ((_s("пропасть"), _s("весть")), 2, "disappeared", "subj", 0.8),
    ((_s("связь"), _s("пропасть", "прерваться", "потерять", "потеряться")), 4, "disappeared", "gen", 0.55),
]

# Words before a trigger (same clause) that make it not (yet) a fact.
MODAL_LEMMAS = _s(
    "планировать", "собираться", "намереваться", "хотеть", "пытаться", "попытаться",
    "мочь", "угрожать", "грозить", "опасаться", "бояться", "риск", "рисковать", "может",
    "чтобы", "если", "возможный", "возможно", "якобы", "намерение", "угроза", "пригрозить",
    "стремиться", "готовиться", "хотеться", "обещать", "предлагать", "предложить", "надеяться",
)
# Words after which an infinitive is a real event ("удалось сбежать").
ACHIEVED_LEMMAS = _s("удаться", "суметь", "смочь", "успеть")

# Clause boundaries inside a sentence.
CLAUSE_WORDS = _s("что", "чтобы", "который", "но", "однако", "хотя", "если", "когда", "где", "пока",
                  "поскольку", "потому", "несмотря")

# Titles -> role. The person they describe gets the role unless events show
# that the text is about what happened to that person.
ROLE_TITLES = {
    "official": _s(
        "президент", "премьер", "премьер-министр", "министр", "замминистр", "глава", "губернатор",
        "мэр", "аким", "пресс-секретарь", "посол", "консул", "депутат", "сенатор", "прокурор",
        "генпрокурор", "судья", "следователь", "чиновник", "спикер", "омбудсмен", "уполномоченный",
        "представитель", "руководитель", "директор", "начальник", "командующий", "генерал",
        "полковник", "дипломат", "советник", "канцлер", "король", "председатель", "вице-премьер",
    ),
    "lawyer": _s("адвокат", "юрист", "защитник", "адвокатесса"),
    "journalist": _s("журналист", "журналистка", "корреспондент", "редактор", "обозреватель",
                     "репортер", "главред", "фотограф", "корр"),
    "other": _s("эксперт", "политолог", "аналитик", "оппозиционер", "политик", "исследователь",
                "правозащитник", "правозащитница", "социолог", "историк", "экономист", "блогер",
                "писатель", "ученый", "профессор", "лидер", "основатель", "сооснователь",
                "координатор", "сотрудник", "волонтер"),
}
TITLE_TO_ROLE = {lemma: role for role, lemmas in ROLE_TITLES.items() for lemma in lemmas}

SPEECH_VERBS = _s("сказать", "заявить", "отметить", "подчеркнуть", "сообщить", "пояснить",
                  "рассказать", "написать", "добавить", "считать", "признать", "уточнить",
                  "прокомментировать", "говорить", "заметить", "указать")

# Occupations worth keeping as an attribute of a subject ("контрактник", "майор ФСО").
OCCUPATIONS = _s(
    "контрактник", "военнослужащий", "майор", "капитан", "лейтенант", "сержант", "рядовой",
    "солдат", "офицер", "дезертир", "активист", "активистка", "специалист", "программист",
    "инженер", "студент", "студентка", "журналист", "журналистка", "блогер", "художник",
    "художница", "музыкант", "предприниматель", "бизнесмен", "врач", "учитель", "учительница",
    "волонтер", "волонтерка", "доброволец", "правозащитник", "правозащитница", "пастор", "священник",
    "имам", "поэт", "поэтесса", "писатель", "писательница", "фотограф", "айтишник", "разработчик",
    "уклонист", "оппозиционер", "анархист", "эколог", "мобилизованный",
)

# Places that mean "back into the hands of the home state".
HOME_PLACE_WORDS = _s("россия", "москва", "родина", "рф", "российский", "юрисдикция")
SECURITY_WORDS = _s("военный", "силовик", "фсб", "спецслужба", "военнослужащий", "армия", "база",
                    "часть", "военком", "комендатура", "гру", "чекист", "сотрудник", "оперативник",
                    "следователь", "конвой")
LEGAL_REMOVAL_WORDS = _s("депортация", "депортировать", "выдворение", "выдворить", "экстрадиция",
                         "экстрадировать", "суд", "высылка", "выслать")

# Crimes a person is accused of, by the lemma of the word that names them.
CHARGE_VERBS = {
    "украсть": "кража", "похитить": "кража", "убить": "убийство", "избить": "побои",
    "ограбить": "грабеж", "обмануть": "мошенничество", "дезертировать": "дезертирство",
}
