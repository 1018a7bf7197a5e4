"""Which country a place is in, and which places a text names: a gazetteer
for Russian and English news.

    country_of("в Казахстане") -> "KZ"; country_of("Клеве") -> "DE";
    country_of(None, "Его задержали в аэропорту Алматы.") -> "KZ"
    country_name("KZ") -> "Казахстан"; country_name("KZ", "en") -> "Kazakhstan"
    find_places("Его задержали в Приозерске, Казахстан.")
        -> [PlaceMatch(text="Приозерске", name="Приозерск", country="KZ", countries=("RU", "KZ"),
                       kind="city", settled_by="context", ...),
            PlaceMatch(text="Казахстан", name="Казахстан", country="KZ", kind="country", ...)]

Codes are ISO 3166-1 alpha-2. The data: every country (CLDR's names through
Babel, plus short and older forms: countries.py), GeoNames' cities (5,000
people or more in the countries these reports are about, 100,000 or more
elsewhere) with their Russian names, and a curated list of regions,
detention centres, airports, border crossings and country adjectives
(data/curated.tsv). scripts/build_places.py inflects every Russian name
and writes data/places.tsv; places.py loads it (~0.3 s, first use);
match.py finds names in text. Crimea, Donbas and the other occupied parts
of Ukraine are UA, as in ISO 3166; Abkhazia and South Ossetia are GE.
"""
from .countries import COUNTRIES, country_codes, country_name
from .match import PlaceMatch, country_of, find_places, settle
from .places import gazetteer as _load

__all__ = ["COUNTRIES", "PlaceMatch", "country_codes", "country_name", "country_of", "find_places", "settle",
           "warm_up"]


def warm_up() -> None:
    """Load the gazetteer now (~0.3 s): the first call pays otherwise."""
    _load()
