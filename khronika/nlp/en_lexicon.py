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
    (_forms("apprehended", "apprehend", "seized", "caught", "captured", "handcuffed"), "detained", "obj", 0.7),
    # an exile abducted abroad is taken home: a rendition
    (_forms("abducted", "kidnapped", "abduct", "kidnap"), "handed_over", "obj", 0.6),
    (_forms("jailed", "remanded", "imprisoned", "incarcerated"), "arrested", "obj", 0.75),
    (_forms("charged", "indicted", "prosecuted", "suspected"), "charged", "obj", 0.8),
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
    ((_forms("placed", "place", "remanded", "put", "sent"), _forms("custody", "detention", "arrest", "jail",
                                                                    "prison")), 3,
     "arrested", "obj", 0.8),
    # "is currently in a detention center", "a businessman currently in prison", "has been held since"
    ((_forms("is", "was", "are", "were", "remains", "remained", "currently", "still", "been"), _forms("in"),
      _forms("custody", "detention", "jail", "prison")), 2, "arrested", "subj", 0.7),
    ((_forms("spent", "spends", "spending", "spend"), _forms("in"), _forms("custody", "detention", "jail",
                                                                          "prison")), 6, "arrested", "subj", 0.7),
    ((_forms("been", "being", "was", "were", "is", "are"), _forms("held")), 1, "arrested", "subj", 0.7),
    ((_forms("picked", "rounded"), _forms("up")), 2, "detained", "obj", 0.7),
    # "held for 12 hours in the airport's transit zone", "stuck in the transit zone"
    ((_forms("held", "kept", "stuck", "trapped", "stranded"), _forms("transit")), 8, "detained", "subj", 0.7),
    ((_forms("set"), _forms("free")), 0, "released", "obj", 0.75),
    ((_forms("wanted", "search"), _forms("list")), 2, "wanted", "obj", 0.75),
    ((_forms("put", "placed", "added", "declared", "included", "entered"),
      _forms("wanted", "red-notice", "red-notices", "interpol", "interpol's")), 6, "wanted", "obj", 0.8),
    # "Muzychko, wanted for war crimes", "is wanted in Tajikistan"
    ((_forms("wanted"), _forms("for", "in", "by")), 0, "wanted", "subj", 0.7),
    ((_forms("red"), _forms("notice")), 1, "wanted", "gen", 0.7),
    # "detained … on an interstate wanted notice": the person detained
    ((_forms("wanted"), _forms("notice", "notices", "circular")), 0, "wanted", "subj", 0.65),
    ((_forms("criminal"), _forms("case", "prosecution", "proceedings")), 1, "charged", "against", 0.7),
    ((_forms("opened", "launched", "filed", "initiated", "instituted", "brought", "opens", "launches"),
      _forms("case", "probe", "investigation", "proceedings")), 3, "charged", "against", 0.7),
    ((_forms("faces", "facing", "face", "faced"), _forms("charges", "charge", "accusations")), 3, "charged", "subj",
     0.7),
    ((_forms("requested", "sought", "seeks", "seeking", "demanded", "request", "requests", "filed", "files",
             "submitted"), _forms("extradition")), 3, "extradition_requested", "gen", 0.8),
    ((_forms("extradition"), _forms("request", "requests")), 1, "extradition_requested", "gen", 0.75),
    # "sent a request to the Prosecutor's Office of Georgia on his extradition"
    ((_forms("request", "requests", "requested"), _forms("on", "for", "regarding", "concerning"),
      _forms("extradition")), 12, "extradition_requested", "gen", 0.75),
    # "not" anywhere in these makes them a refusal (see en_events.find_triggers)
    ((_forms("approved", "granted", "upheld", "authorized", "authorised", "allowed", "allow", "allowing",
             "permitted", "agreed", "cleared"), _forms("extradition")), 3, "extradition_approved", "gen", 0.8),
    # "upheld the decision to extradite her"
    ((_forms("upheld", "approved", "confirmed", "endorsed", "upholds", "approves"), _forms("decision", "ruling", "order"),
      _forms("extradite", "extradition")), 3, "extradition_approved", "obj", 0.75),
    ((_forms("extradition"), _forms("approved", "granted", "upheld", "authorized", "authorised", "allowed",
                                     "permitted", "cleared")), 3, "extradition_approved", "gen", 0.75),
    ((_forms("no"), _forms("grounds", "reason", "basis", "legal"), _forms("extradite", "extradition")), 3,
     "extradition_denied", "obj", 0.75),
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
    ((_forms("ordered", "orders", "order"), _forms("leave")), 5, "deportation_ordered", "obj", 0.7),
    ((_forms("forcibly", "forcefully", "involuntarily", "extra-judicially", "extrajudicially"),
      _forms("returned", "return", "returning", "sent", "deported", "taken", "took", "brought", "flown",
             "expelled", "transferred", "removed")), 3, "handed_over", "obj", 0.75),
    ((_forms("brought", "bringing", "bring"), _forms("back")), 3, "handed_over", "obj", 0.6),
    ((_forms("taken", "took"), _forms("away")), 1, "handed_over", "obj", 0.6),
    ((_forms("handed", "hand", "handing"), _forms("over")), 3, "handed_over", "obj", 0.8),
    ((_forms("denied", "refused"), _forms("entry")), 3, "entry_refused", "obj", 0.85),
    ((_forms("turned"), _forms("back", "away")), 3, "entry_refused", "obj", 0.6),
    # "The migration service turned him down": a refusal of the request just told
    ((_forms("turned", "turns"), _forms("down")), 2, "request_denied", "obj", 0.6),
    ((_forms("barred", "banned"), _forms("entering", "entry")), 3, "entry_refused", "obj", 0.75),
    ((_forms("not", "never", "wasn't", "weren't", "didn't", "isn't"), _forms("allowed", "permitted", "let"),
      _forms("entry", "enter", "entering", "into", "in", "across", "through", "cross")), 6,
     "entry_refused", "obj", 0.8),
    ((_forms("applied", "apply", "applies", "applying", "filed", "sought", "seeking", "requested", "asked"),
      _forms("asylum", "refugee", "protection")), 4, "asylum_applied", "subj", 0.8),
    ((_forms("asylum"), _forms("application", "claim", "request", "bid")), 1, "asylum_applied", "gen", 0.7),
    ((_forms("request", "requests", "application", "applications", "claim", "claims", "bid"),
      _forms("asylum", "refugee")), 3, "asylum_applied", "gen", 0.7),
    # "his status as a defendant", "named as a suspect"
    ((_forms("as"), _forms("defendant", "suspect", "accused")), 1, "charged", "gen", 0.6),
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
    # "has not been seen since Friday" (not "I have not seen him": the speaker's)
    ((_forms("not", "never"), _forms("been"), _forms("seen")), 1, "disappeared", "subj", 0.6),
    ((_forms("left"), _forms("russia", "belarus", "country", "homeland")), 1, "fled", "subj", 0.7),
    ((_forms("left", "leave", "leaving"), _forms("federation", "tajikistan", "uzbekistan", "turkmenistan",
                                                 "azerbaijan", "chechnya")), 3, "fled", "subj", 0.65),
    ((_forms("lived", "living", "lives", "live", "went", "gone", "going"), _forms("exile")), 2, "fled", "subj", 0.7),
    ((_forms("sought", "seek", "seeking", "seeks", "found", "finds"), _forms("refuge", "shelter")), 2,
     "fled", "subj", 0.7),
    # "a court handed him a 23-year sentence", "received a ten-year term"
    ((_forms("handed", "gave", "imposed", "hands", "gives"), _forms("sentence", "term")), 5, "sentenced", "gen", 0.75),
    ((_forms("received", "receives", "got", "serving", "serves"), _forms("sentence", "term")), 5,
     "sentenced", "subj", 0.75),
    ((_forms("found"), _forms("guilty")), 1, "sentenced", "obj", 0.7),
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
    "disappearance": ("disappeared", 0.65), "escape": ("escaped", 0.55), "abduction": ("handed_over", 0.55),
    "kidnapping": ("handed_over", 0.55), "handover": ("handed_over", 0.6), "indictment": ("charged", 0.6),
    "appeal": ("appeal_filed", 0.55),
}
# Nouns that are an act only with the person's possessive: "his appeal" (not "the appeal hearing").
POSSESSED_NOUNS = frozenset({"appeal"})
# A removal named as a noun is a fact only after "after", "since", ... ("after his deportation");
# "fought his extradition", "the threat of deportation" are not.
FACTUAL_NOUN_LEADS = frozenset({"after", "since", "following", "upon", "before", "until", "during", "despite"})
REMOVAL_NOUNS = frozenset({"extradition", "deportation", "expulsion"})
# Words that make the act after them wanted, feared or fought, not done: "demanded his release",
# "to avoid arrest", "in fear of being deported", "the threat of extradition".
GOVERNORS = frozenset({
    "demand", "demands", "demanded", "demanding", "call", "calls", "called", "calling", "urge", "urges", "urged",
    "urging", "avoid", "avoided", "avoiding", "prevent", "prevented", "preventing", "stop", "stopping", "halt",
    "resist", "resisting", "fight", "fights", "fighting", "fought", "oppose", "opposes", "opposed", "opposing",
    "challenge", "challenging", "contest", "contesting", "fear", "fears", "feared", "fearing", "afraid",
    "threat", "threats", "danger", "risk", "risks", "pending", "awaiting", "await", "awaits", "potential",
    "prospect", "refrain", "against", "banned", "blocked", "suspended", "barred", "escape", "evade", "evading",
    "seek", "seeks", "seeking", "sought",
})

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

# Words of an organisation's name, wherever they stand in it ("Fethullah Terrorist Organization",
# "the Organisation Assembly of Chechens").
_ORGANISATION_WORDS = frozenset({
    "organization", "organisation", "assembly", "movement", "association", "institute", "commission",
    "coalition", "congress", "parliament", "federation", "bureau", "tribunal", "company", "corporation",
    "channel", "radio", "television", "magazine", "newspaper", "gazette", "press", "daily", "herald",
    "tribune", "monitor", "observer", "alliance", "front", "platform", "society", "church", "mosque",
    "academy", "college", "hospital", "administration", "department", "directorate", "inspectorate",
    "helsinki", "terrorist", "terrorists", "extremist", "foundation", "fund", "centre", "center", "union",
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
    # function words that the first-name list also holds ("Is" = Иса) or that open a headline
    "is", "as", "are", "was", "were", "be", "been", "has", "have", "had", "will", "can", "so", "do", "does",
    "did", "not", "no", "yes", "all", "any", "some", "many", "most", "more", "new", "old", "first", "also",
    "even", "only", "just", "then", "than", "there", "here", "now", "how", "why", "what", "who", "where",
    "which", "with", "without", "into", "over", "under", "about", "via", "amid", "among", "against",
    "despite", "during", "until", "unless", "because", "although", "though", "both", "either", "neither",
    "each", "every", "other", "another", "such", "our", "my", "your", "we", "you", "if", "yet", "once",
    "however", "still", "instead", "meanwhile", "says", "exclusive", "update", "opinion", "analysis",
    # regions and demonyms (several end like surnames: "Central Asian", "Caucasian")
    "central", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "middle",
    "far", "asian", "caucasian", "african", "american", "canadian", "australian", "indonesian", "iranian",
    "italian", "norwegian", "estonian", "lithuanian", "latvian", "bulgarian", "romanian", "hungarian",
    "croatian", "bosnian", "macedonian", "albanian", "slovenian", "mongolian", "syrian", "libyan",
    "egyptian", "nigerian", "brazilian", "palestinian", "jordanian", "austrian", "ossetian", "tunisian",
    "algerian", "malaysian", "ethiopian", "balkarian", "circassian", "abkhazian", "moldovan", "tajik",
    "uzbek", "turkmen", "azerbaijani", "azeri", "dagestani", "ingush", "tatar", "bashkir", "karakalpak",
    "german", "french", "british", "polish", "czech", "finnish", "swedish", "dutch", "spanish", "greek",
    "thai", "vietnamese", "chinese", "korean", "japanese", "israeli", "saudi", "emirati", "soviet",
    "islamic", "muslim", "orthodox", "national", "interstate", *_ORGANISATION_WORDS,
})
# Heads of a description of a person ("the blogger", "a Chechen asylum seeker", "the former
# commander"), and of a name's apposition or title ("blogger Insu Lander").
PERSON_NOUNS = frozenset({
    "activist", "journalist", "blogger", "dissident", "deserter", "critic", "opponent", "oppositionist",
    "politician", "man", "woman", "figure", "citizen", "national", "native", "resident", "member",
    "founder", "leader", "commander", "sergeant", "soldier", "serviceman", "conscript", "businessman",
    "businesswoman", "entrepreneur", "financier", "educator", "teacher", "student", "programmer",
    "developer", "engineer", "specialist", "doctor", "artist", "musician", "poet", "writer", "filmmaker",
    "director", "pastor", "priest", "imam", "refugee", "seeker", "exile", "emigre", "émigré", "defector",
    "fugitive", "suspect", "defendant", "person", "individual", "volunteer", "photographer",
    "photojournalist", "reporter", "correspondent", "editor", "youtuber", "worker", "migrant", "chef",
    "cardiologist", "scientist", "researcher", "expert", "mathematician", "physicist", "lecturer",
    "professor", "translator", "designer", "economist", "athlete", "wrestler", "fighter", "veteran",
})
PERSON_PLURALS = frozenset({
    "activists", "journalists", "bloggers", "dissidents", "deserters", "critics", "men", "women",
    "citizens", "nationals", "natives", "members", "soldiers", "servicemen", "conscripts", "students",
    "refugees", "seekers", "exiles", "emigres", "émigrés", "defectors", "russians", "belarusians",
    "chechens", "tajiks", "uzbeks", "kazakhs", "turkmens", "ukrainians", "brothers", "sisters", "siblings",
    "couple", "spouses", "people", "individuals", "suspects", "defendants", "musicians", "artists",
    "volunteers", "opponents", "oppositionists", "politicians",
})
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "both": 2}
# Relatives: "his wife", "Inandi's family"; "the family left Russia" is the family's head.
KIN_NOUNS = frozenset({"family", "wife", "husband", "mother", "father", "son", "daughter", "brother",
                       "sister", "relatives", "children", "parents", "lawyer", "lawyers", "attorney",
                       "friends", "friend", "colleagues", "supporters", "partner", "fiancee", "fiancée"})

# Last words that make a capitalised run an organisation or a place, not a person.
ORG_TAILS = frozenset({
    "court", "ministry", "service", "committee", "police", "office", "agency", "news", "group", "center",
    "centre", "union", "council", "party", "army", "republic", "airport", "university", "school", "bank",
    "times", "post", "journal", "media", "network", "foundation", "fund", "initiative", "project", "watch",
    "international", "memorial", "region", "oblast", "district", "street", "square", "prison", "colony",
    "brigade", "battalion", "regiment", "division", "corps", "guard", "unit",
    *_ORGANISATION_WORDS,
})

SURNAME_SUFFIXES = ("ov", "ova", "ev", "eva", "yov", "yova", "in", "ina", "yn", "yna", "sky", "skiy", "skaya",
                    "skii", "tsky", "tskaya", "enko", "uk", "yuk", "chuk", "yan", "ian", "shvili", "dze",
                    "ich", "ovich", "evich", "ovna", "evna", "uly", "kyzy", "zade", "zoda", "oglu", "ko", "ikh",
                    "ykh", "off", "ova's", "ov's",
                    # Belarusian and Polish Latin spellings, Azerbaijani -li/-ly
                    "ski", "ska", "ava", "enka", "onak", "chyk", "yonak", "li")

HOME_PLACES = frozenset({"russia", "moscow", "russian", "homeland"})
SECURITY_WORDS = frozenset({"military", "soldiers", "fsb", "security", "officers", "agents", "servicemen",
                            "army", "base", "unit", "police"})
