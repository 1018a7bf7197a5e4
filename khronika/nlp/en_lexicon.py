"""English words that signal events, roles and modality (see ru_lexicon for the slots).

Triggers are matched on lowercase word forms: English inflection is small
enough to list, which keeps the extractor free of a tagger that no package
ships offline.
"""
from __future__ import annotations


def _forms(*stems_and_forms: str) -> frozenset:
    return frozenset(stems_and_forms)


# (word forms, type, slot in the active voice, confidence). A form ending in
# "-ed"/"-en" after "was/were/been/be/is/are" is read as passive.
VERB_TRIGGERS = [
    (_forms("detained", "detain", "detains", "detaining"), "detained", "obj", 0.85),
    (_forms("arrested", "arrest", "arrests", "arresting"), "detained", "obj", 0.75),
    (_forms("apprehended", "apprehend", "seized", "caught", "abducted", "kidnapped"), "detained", "obj", 0.7),
    (_forms("jailed", "remanded"), "arrested", "obj", 0.75),
    (_forms("charged", "indicted"), "charged", "obj", 0.8),
    (_forms("accused", "accuse", "accuses", "accusing"), "charged", "obj", 0.7),
    (_forms("extradited", "extradite", "extradites", "extraditing"), "extradited", "obj", 0.85),
    (_forms("deported", "deport", "deports", "deporting", "expelled", "expel"), "deported", "obj", 0.85),
    (_forms("released", "freed", "release", "free"), "released", "obj", 0.75),
    (_forms("sentenced", "convicted"), "sentenced", "obj", 0.85),
    (_forms("appealed"), "appeal_filed", "subj", 0.75),
    (_forms("fled", "flee", "flees", "fleeing", "emigrated", "emigrate"), "fled", "subj", 0.75),
    (_forms("escaped", "escape", "deserted", "desert"), "escaped", "subj", 0.7),
    (_forms("disappeared", "vanished"), "disappeared", "subj", 0.7),
    (_forms("handed", "hand"), "handed_over", "obj", 0.6),           # needs "over" nearby
    (_forms("transferred", "transfer", "moved"), "transferred", "obj", 0.55),
]

# Multi-word triggers: (steps, max gap, type, slot, confidence); steps are sets of word forms.
PHRASE_TRIGGERS = [
    ((_forms("taken", "took"), _forms("custody")), 2, "detained", "obj", 0.8),
    ((_forms("held", "holding", "remains", "remained", "kept"), _forms("custody", "detention", "jail",
                                                                       "prison", "pretrial", "centre", "center",
                                                                       "facility")), 4,
     "arrested", "subj", 0.75),
    ((_forms("placed", "remanded", "put"), _forms("custody", "detention", "arrest")), 3, "arrested", "obj", 0.8),
    ((_forms("wanted", "search"), _forms("list")), 2, "wanted", "obj", 0.75),
    ((_forms("put", "placed", "added", "declared"), _forms("wanted")), 3, "wanted", "obj", 0.8),
    ((_forms("red"), _forms("notice")), 1, "wanted", "gen", 0.7),
    # "detained … on an interstate wanted notice": the person detained
    ((_forms("wanted"), _forms("notice", "notices", "circular")), 0, "wanted", "subj", 0.65),
    ((_forms("criminal"), _forms("case")), 1, "charged", "against", 0.7),
    ((_forms("opened", "launched", "filed"), _forms("case")), 3, "charged", "against", 0.7),
    ((_forms("requested", "sought", "seeks", "seeking", "demanded", "request", "requests"), _forms("extradition")), 3,
     "extradition_requested", "gen", 0.8),
    ((_forms("extradition"), _forms("request", "requests")), 1, "extradition_requested", "gen", 0.75),
    ((_forms("approved", "granted", "upheld", "authorized", "authorised"), _forms("extradition")), 3,
     "extradition_approved", "gen", 0.8),
    ((_forms("agreed", "ruled", "decided"), _forms("extradite")), 2, "extradition_approved", "obj", 0.8),
    ((_forms("approved", "granted", "upheld", "authorized", "authorised", "satisfied", "approves", "grants"),
      _forms("request", "requests"), _forms("extradite", "extradition")), 3, "extradition_approved", "obj", 0.8),
    ((_forms("refused", "rejected", "denied", "blocked", "halted", "declined"), _forms("extradition")), 4,
     "extradition_denied", "gen", 0.8),
    ((_forms("refused", "declined"), _forms("extradite")), 4, "extradition_denied", "obj", 0.8),
    ((_forms("rejected", "denied", "refused", "turned", "dismissed"), _forms("claim", "application", "request",
                                                                           "bid")), 3, "request_denied", "gen", 0.7),
    ((_forms("recognised", "recognized"), _forms("refugee")), 4, "asylum_granted", "obj", 0.75),
    ((_forms("ordered", "orders"), _forms("held", "detained", "jailed", "remanded", "arrested")), 3,
     "arrested", "obj", 0.75),
    ((_forms("walked", "deserted", "fled", "left", "abandoned", "ran"), _forms("unit", "post", "regiment", "base",
                                                                             "barracks")), 4,
     "escaped", "subj", 0.7),
    ((_forms("extradition"), _forms("blocked", "rejected", "halted", "denied", "refused", "overturned")), 5,
     "extradition_denied", "gen", 0.8),
    ((_forms("ordered", "order", "orders"), _forms("deportation", "deported", "expulsion", "expelled", "removal")), 4,
     "deportation_ordered", "gen", 0.8),
    ((_forms("deportation", "expulsion"), _forms("order")), 1, "deportation_ordered", "gen", 0.75),
    ((_forms("handed", "hand", "handing"), _forms("over")), 3, "handed_over", "obj", 0.8),
    ((_forms("denied", "refused"), _forms("entry")), 3, "entry_refused", "obj", 0.85),
    ((_forms("turned"), _forms("back", "away")), 3, "entry_refused", "obj", 0.6),
    # "The migration service turned him down": a refusal of the request just told
    ((_forms("turned", "turns"), _forms("down")), 2, "request_denied", "obj", 0.6),
    ((_forms("barred", "banned"), _forms("entering", "entry")), 3, "entry_refused", "obj", 0.75),
    ((_forms("applied", "apply", "applies", "applying", "filed", "sought", "seeking", "requested", "asked"),
      _forms("asylum", "refugee", "protection")), 4, "asylum_applied", "subj", 0.8),
    ((_forms("asylum"), _forms("application", "claim", "request", "bid")), 1, "asylum_applied", "gen", 0.7),
    ((_forms("denied", "refused", "rejected"), _forms("asylum", "refugee")), 4, "asylum_denied", "obj", 0.8),
    ((_forms("asylum", "application", "claim", "request", "bid"), _forms("rejected", "denied", "refused")), 5,
     "asylum_denied", "gen", 0.7),
    ((_forms("granted", "received", "given", "obtained", "won", "got"), _forms("asylum", "refugee")), 4,
     "asylum_granted", "obj", 0.8),
    ((_forms("filed", "lodged", "submitted", "files", "file", "lodges", "submits", "filing", "lodging"),
      _forms("appeal", "appeals", "complaint")), 3, "appeal_filed", "subj", 0.8),
    ((_forms("went", "gone", "goes"), _forms("missing")), 1, "disappeared", "subj", 0.8),
    ((_forms("lost"), _forms("contact", "touch")), 3, "disappeared", "with", 0.6),
    ((_forms("whereabouts"), _forms("unknown")), 3, "disappeared", "gen", 0.7),
    ((_forms("not"), _forms("heard")), 2, "disappeared", "subj", 0.6),
    ((_forms("left"), _forms("russia", "belarus", "country", "homeland")), 1, "fled", "subj", 0.7),
    ((_forms("moved", "relocated"), _forms("to")), 1, "fled", "subj", 0.5),
    ((_forms("crossed", "crosses", "crossing", "slipped"), _forms("into", "border")), 2, "fled", "subj", 0.6),
    # "Belozersky is wanted in Russia", "is on a Russian wanted list"
    ((_forms("is", "was", "are", "were", "been", "remains", "remained"), _forms("wanted")), 0, "wanted", "subj", 0.7),
    ((_forms("on"), _forms("wanted", "search"), _forms("list")), 2, "wanted", "subj", 0.7),
    # "weighing Russia's request to extradite Yuliya Mukhortova"
    ((_forms("request", "requests", "requested", "asked", "asking", "asks"), _forms("extradite")), 2,
     "extradition_requested", "obj", 0.75),
    # "has not answered calls since Monday"
    ((_forms("not"), _forms("answered", "answering", "answer", "answers", "picked"),
      _forms("calls", "phone", "messages", "up")), 2, "disappeared", "subj", 0.6),
]

# Nouns whose person follows "of" or a possessive: "the deportation of X", "his extradition".
NOUN_TRIGGERS = {
    "detention": ("detained", 0.6), "arrest": ("detained", 0.6), "deportation": ("deported", 0.6),
    "expulsion": ("deported", 0.6), "extradition": ("extradited", 0.5), "release": ("released", 0.55),
    "disappearance": ("disappeared", 0.65), "escape": ("escaped", 0.55),
}

MODAL_WORDS = frozenset({
    "will", "would", "could", "may", "might", "plans", "planned", "plan", "planning", "intends", "intended",
    "hopes", "hoped", "wants", "wanted_to", "threatened", "threatens", "faces", "face", "facing", "risk",
    "risks", "if", "unless", "whether", "fears", "feared", "possible", "possibly", "allegedly", "to",
    "seeking_to", "attempted", "tried", "trying", "expected", "expects", "likely", "should", "must",
})
NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor", "denied_that", "nobody", "none"})
CLAUSE_WORDS = frozenset({"that", "which", "who", "whom", "whose", "but", "although", "though", "because",
                          "while", "when", "where", "after", "before", "since", "so", ";", ":", "—", "–", "("})

ROLE_TITLES = {
    "official": frozenset({
        "president", "minister", "prime", "spokesman", "spokeswoman", "spokesperson", "judge", "prosecutor",
        "governor", "mayor", "ambassador", "consul", "official", "officials", "deputy", "senator", "ombudsman",
        "commissioner", "chairman", "chairwoman", "head", "chief", "director", "general", "colonel", "king",
        "chancellor", "secretary", "investigator", "lawmaker", "mp", "diplomat",
    }),
    "lawyer": frozenset({"lawyer", "attorney", "counsel", "advocate", "barrister", "solicitor"}),
    "journalist": frozenset({"journalist", "reporter", "correspondent", "editor", "columnist",
                             "photographer", "photojournalist"}),
    "other": frozenset({"expert", "analyst", "politician", "opposition", "researcher", "scholar", "professor",
                        "leader", "founder", "economist", "historian", "sister", "brother", "wife", "husband",
                        "mother", "father", "son", "daughter", "relative"}),
}
TITLE_TO_ROLE = {word: role for role, words in ROLE_TITLES.items() for word in words}
TITLE_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj"})

SPEECH_VERBS = frozenset({"said", "says", "told", "added", "wrote", "stated", "noted", "explained",
                          "according", "stressed", "argued", "insisted", "commented", "announced"})

OCCUPATIONS = frozenset({
    "activist", "journalist", "programmer", "developer", "engineer", "soldier", "serviceman", "deserter",
    "conscript", "student", "artist", "musician", "blogger", "entrepreneur", "businessman", "doctor",
    "teacher", "volunteer", "pastor", "priest", "imam", "poet", "writer", "photographer", "specialist",
    "officer", "major", "captain", "lieutenant", "sergeant", "private", "contractor", "dissident", "critic",
})

# Words that start a capitalised run but are not names.
NON_NAME_WORDS = frozenset({
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "to", "of", "and", "or", "but", "he", "she",
    "they", "his", "her", "their", "it", "its", "this", "that", "these", "those", "after", "before", "when",
    "while", "since", "last", "next", "earlier", "later", "according", "police", "court", "russian",
    "kazakh", "kyrgyz", "georgian", "armenian", "turkish", "serbian", "ukrainian", "chechen", "belarusian",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs", "ms",
    "dr", "president", "minister", "judge", "prosecutor", "lawyer", "attorney", "interior", "foreign",
    "justice", "prime", "general", "supreme", "federal", "security", "service", "ministry", "committee",
    "office", "agency", "news", "times", "post", "group", "center", "centre", "union", "council", "party",
    "army", "republic", "state", "city", "airport", "border", "european", "united", "nations", "human",
    "rights", "watch", "amnesty", "international", "investigative", "prosecutor's", "kremlin", "interpol",
    "fsb", "un", "echr", "unhcr", "telegram", "instagram", "facebook", "reuters", "ap", "afp", "bbc",
})
# Last words that make a capitalised run an organisation or a place, not a person.
ORG_TAILS = frozenset({
    "court", "ministry", "service", "committee", "police", "office", "agency", "news", "group", "center",
    "centre", "union", "council", "party", "army", "republic", "airport", "university", "school", "bank",
    "times", "post", "journal", "media", "network", "foundation", "fund", "initiative", "project", "watch",
    "international", "memorial", "region", "oblast", "district", "street", "square", "prison", "colony",
    "brigade", "battalion", "regiment", "division", "corps", "guard", "unit",
})

SURNAME_SUFFIXES = ("ov", "ova", "ev", "eva", "yov", "yova", "in", "ina", "yn", "yna", "sky", "skiy", "skaya",
                    "skii", "tsky", "tskaya", "enko", "uk", "yuk", "chuk", "yan", "ian", "shvili", "dze",
                    "ich", "ovich", "evich", "ovna", "evna", "uly", "kyzy", "zade", "oglu", "ko", "ikh",
                    "ykh", "off", "ova's", "ov's")

HOME_PLACES = frozenset({"russia", "moscow", "russian", "homeland"})
SECURITY_WORDS = frozenset({"military", "soldiers", "fsb", "security", "officers", "agents", "servicemen",
                            "army", "base", "unit", "police"})
