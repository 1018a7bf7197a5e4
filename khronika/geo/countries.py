"""Country names: CLDR's (through Babel) for every ISO 3166-1 alpha-2 code,
plus the short and older forms news use ("РФ", "Киргизия", "UAE", "Türkiye").

    COUNTRIES        ((code, names), ...): one group per country, Russian
                     names first, then English; the display names lead each
    country_name()   "KZ" -> "Казахстан" / "Kazakhstan"
    country_codes()  every code, the project's own countries first

`khronika.alerts.rules.place_variants` offers every name of a group for any
one of them, so a group holds names of the country itself only (no cities,
no adjectives). The same names, inflected, are what the gazetteer matches
(scripts/build_places.py writes their forms into data/places.tsv; a test
checks the two agree).

Babel's locale data is read once at import (~40 ms): COUNTRIES is a
module constant that khronika.alerts.rules reads at its own import.
"""
from __future__ import annotations

from babel import Locale

# Codes CLDR names that are not ISO 3166-1 countries: reserved or
# exceptionally reserved codes (Ascension, Canaries, Ceuta...), groupings
# (EU, UN, "Outlying Oceania") and CLDR's test locales. Kosovo (XK) stays: it
# is user-assigned, but GeoNames and most data sets use it.
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}

# The countries these reports are about, in the order of the project's
# original table (watch rules, charts): country_codes() lists them first.
_PROJECT_ORDER = (
    "RU", "KZ", "KG", "UZ", "TJ", "TM", "BY", "UA", "MD", "GE", "AM", "AZ", "TR", "AE", "TH", "VN", "ID",
    "IN", "CN", "MN", "IL", "EG", "QA", "SA", "RS", "ME", "BA", "DE", "FR", "PL", "LT", "LV", "EE", "FI",
    "CZ", "BG", "CY", "ES", "IT", "NL", "GB", "US", "AR", "BR", "LK", "AT", "CH", "BE", "SE", "NO", "DK",
    "PT", "GR", "HU", "RO", "SK", "HR", "SI", "MK", "AL", "IE", "IS", "CA", "MX", "JP", "KR", "MY", "PH",
    "KH", "LA", "SG", "IR", "IQ", "SY", "AF", "PK", "NP", "BH", "OM", "KW", "MA", "TN", "AU", "CL", "CU",
    "VE", "HK", "MV"
)

# Display names where CLDR's is long, bureaucratic or abbreviated ("о-ва"),
# or where the project has always shown another form. Kyrgyzstan keeps
# "Кыргызстан", the country's official Russian name and the form these
# reports use (CLDR: "Киргизия", still matched). "USA"/"UAE" are the
# project's English labels (CLDR: "United States", "United Arab Emirates").
_DISPLAY_RU = {
    "US": "США", "KG": "Кыргызстан", "KR": "Южная Корея", "KP": "Северная Корея", "CD": "ДР Конго",
    "CG": "Республика Конго", "ZA": "ЮАР", "CF": "ЦАР", "FM": "Микронезия", "HK": "Гонконг", "MO": "Макао",
    "MM": "Мьянма", "PS": "Палестина", "UM": "Внешние малые острова США",
    "VG": "Британские Виргинские острова", "VI": "Американские Виргинские острова",
    "SH": "Остров Святой Елены", "BQ": "Карибские Нидерланды",
}
_DISPLAY_EN = {
    "US": "USA", "AE": "UAE", "HK": "Hong Kong", "MO": "Macao", "MM": "Myanmar", "CD": "DR Congo",
    "CG": "Republic of the Congo", "PS": "Palestine", "SH": "Saint Helena",
}

# Other names of a country that news use, beyond CLDR's and the display
# name: official long forms, older names, abbreviations (matched in upper
# case only), common short forms. Russian first, then English.
_ALIASES: dict[str, tuple[str, ...]] = {
    "RU": ("РФ", "Российская Федерация", "Russian Federation"),
    "KZ": ("Республика Казахстан", "Republic of Kazakhstan"),
    "KG": ("Киргизия", "Кыргызская Республика", "Kirghizia", "Kyrgyz Republic"),
    "UZ": ("Республика Узбекистан", "Republic of Uzbekistan"),
    "BY": ("Белоруссия", "Республика Беларусь", "Republic of Belarus"),
    "MD": ("Молдавия", "Республика Молдова", "Republic of Moldova"),
    "TR": ("Турецкая Республика", "Turkey", "Turkiye", "Türkiye"),
    "AE": ("Объединённые Арабские Эмираты", "Эмираты", "UAE", "United Arab Emirates", "Emirates"),
    "TH": ("Тайланд",),
    "VN": ("Viet Nam",),
    "CN": ("КНР", "Китайская Народная Республика", "PRC", "People's Republic of China"),
    "BA": ("Босния", "Bosnia", "Bosnia and Herzegovina"),
    "CZ": ("Чешская Республика", "Czech Republic"),
    "GB": ("Британия", "Соединённое Королевство", "Britain", "Great Britain", "UK", "U.K.", "United Kingdom"),
    "US": ("Соединённые Штаты", "Соединённые Штаты Америки", "Америка", "USA", "US", "U.S.", "United States",
           "United States of America", "America"),
    "MK": ("Македония", "Macedonia"),
    "KR": ("Республика Корея", "South Korea", "Republic of Korea"),
    "KP": ("КНДР", "DPRK", "North Korea"),
    "NL": ("Голландия", "Holland"),
    "CD": ("Демократическая Республика Конго", "ДРК", "Конго", "DRC", "Democratic Republic of the Congo",
           "Congo"),
    "CG": ("Конго", "Congo"),
    "MM": ("Бирма", "Burma"),
    "SZ": ("Свазиленд", "Swaziland"),
    "CV": ("Cabo Verde",),
    "CI": ("Ivory Coast",),
    "TL": ("East Timor",),
    "PS": ("Палестинские территории", "Palestinian Territories"),
    "VA": ("Vatican",),
    "HK": ("Hong Kong SAR",),
}

_OLD_STYLE = {"о-в": "остров", "о-ва": "острова", "Св.": "Святой"}


def _tidy(name: str) -> str:
    """CLDR's name as prose: abbreviations spelled out, "&" as "and"."""
    words = [_OLD_STYLE.get(word, word) for word in name.split(" ")]
    tidy = " ".join(words).replace(" & ", " and ")
    return tidy[:1].upper() + tidy[1:]


def _variants(cldr: str) -> list[str]:
    """CLDR's name as it may stand in prose: "Мьянма (Бирма)" -> Мьянма, Бирма;
    "Hong Kong SAR China" -> Hong Kong. "Конго - Киншаса" stays whole: "Конго"
    alone is two countries (an alias of both)."""
    if "(" in cldr:
        head, _, tail = cldr.partition("(")
        inner, _, after = tail.partition(")")
        if after.strip():                   # "Cocos (Keeling) Islands" -> Cocos Islands
            return [_tidy(f"{head.strip()} {after.strip()}")]
        return [_tidy(head.strip())] + ([_tidy(inner)] if inner not in ("САР", "США", "Великобритания") else [])
    return [_tidy(cldr.replace(" SAR China", ""))]


def _build() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], dict[str, tuple[str, str]]]:
    ru, en = Locale("ru").territories, Locale("en").territories
    codes = [code for code in ru if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    ordered = [code for code in _PROJECT_ORDER if code in ru] + sorted(set(codes) - set(_PROJECT_ORDER))
    groups, display = [], {}
    for code in ordered:
        aliases = _ALIASES.get(code, ())
        ru_display = _DISPLAY_RU.get(code, _tidy(ru[code]))
        en_display = _DISPLAY_EN.get(code, _tidy(en[code]))
        ru_names = [ru_display, *_variants(ru[code]), *(a for a in aliases if _is_cyrillic(a))]
        en_names = [en_display, *_variants(en[code]), *(a for a in aliases if not _is_cyrillic(a))]
        names = tuple(dict.fromkeys(ru_names + en_names))      # ordered, no repeats
        groups.append((code, names))
        display[code] = (ru_display, en_display)
    return tuple(groups), display


def _is_cyrillic(text: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in text.lower())


COUNTRIES, _DISPLAY = _build()


def country_name(code: str | None, lang: str = "ru") -> str | None:
    """The display name of a country code ("KZ" -> "Казахстан" / "Kazakhstan").

    Russian for lang "ru", English for any other. An unknown code comes
    back as given (upper-cased); None stays None.
    """
    if not code:
        return None
    names = _DISPLAY.get(code.upper())
    if names is None:
        return code.upper()
    return names[0] if lang == "ru" else names[1]


def country_codes() -> list[str]:
    """Every code the gazetteer knows: the project's countries first, then A-Z."""
    return [code for code, _ in COUNTRIES]
