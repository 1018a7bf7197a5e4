"""Which country a place is in: a small gazetteer for Russian and English text.

    country_of("в Казахстане") -> "KZ"; country_of("Пхукете") -> "TH";
    country_of(None, "Его задержали в аэропорту Алматы.") -> "KZ"
    country_name("KZ") -> "Казахстан"; country_name("KZ", "en") -> "Kazakhstan"

Codes are ISO 3166-1 alpha-2. The gazetteer holds country names (Russian and
English, with common short forms), the capitals, major cities and regions of
the countries where Russian exiles are detained, and the adjectives that name
one country unambiguously ("казахстанский", "Kazakh"). Russian's own
adjectives ("российский", "русский", "Russian") are left out on purpose: in
these reports they describe the exile or the requesting state, not where
something happened.

Russian names are matched in every grammatical case: the forms of each word
come from pymorphy3's lexeme of the name (loaded on first use, about 0.3 s),
so "Грузию" and "Грузии" find Georgia while "груз" does not. Crimea, Donbas
and the other occupied parts of Ukraine are UA, as in ISO 3166; Abkhazia and
South Ossetia are GE.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .morph import analyzer

# One group per country: ISO code, then the names a watch rule may use for it,
# Russian first, then English. `khronika.alerts.rules.place_variants` offers
# every name of a group for any one of them, so a group holds names of the
# country itself only (no cities, no adjectives).
COUNTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("RU", ("Россия", "Russia", "РФ", "Russian Federation", "Российская Федерация")),
    ("KZ", ("Казахстан", "Kazakhstan")),
    ("KG", ("Кыргызстан", "Киргизия", "Kyrgyzstan", "Kirghizia")),
    ("UZ", ("Узбекистан", "Uzbekistan")),
    ("TJ", ("Таджикистан", "Tajikistan")),
    ("TM", ("Туркменистан", "Turkmenistan")),
    ("BY", ("Беларусь", "Белоруссия", "Belarus")),
    ("UA", ("Украина", "Ukraine")),
    ("MD", ("Молдова", "Молдавия", "Moldova")),
    ("GE", ("Грузия", "Georgia")),
    ("AM", ("Армения", "Armenia")),
    ("AZ", ("Азербайджан", "Azerbaijan")),
    ("TR", ("Турция", "Turkey", "Türkiye", "Turkiye")),
    ("AE", ("ОАЭ", "Объединённые Арабские Эмираты", "UAE", "United Arab Emirates", "Emirates")),
    ("TH", ("Таиланд", "Тайланд", "Thailand")),
    ("VN", ("Вьетнам", "Vietnam", "Viet Nam")),
    ("ID", ("Индонезия", "Indonesia")),
    ("IN", ("Индия", "India")),
    ("CN", ("Китай", "China")),
    ("MN", ("Монголия", "Mongolia")),
    ("IL", ("Израиль", "Israel")),
    ("EG", ("Египет", "Egypt")),
    ("QA", ("Катар", "Qatar")),
    ("SA", ("Саудовская Аравия", "Saudi Arabia")),
    ("RS", ("Сербия", "Serbia")),
    ("ME", ("Черногория", "Montenegro")),
    ("BA", ("Босния", "Bosnia")),
    ("DE", ("Германия", "Germany")),
    ("FR", ("Франция", "France")),
    ("PL", ("Польша", "Poland")),
    ("LT", ("Литва", "Lithuania")),
    ("LV", ("Латвия", "Latvia")),
    ("EE", ("Эстония", "Estonia")),
    ("FI", ("Финляндия", "Finland")),
    ("CZ", ("Чехия", "Czechia", "Czech Republic")),
    ("BG", ("Болгария", "Bulgaria")),
    ("CY", ("Кипр", "Cyprus")),
    ("ES", ("Испания", "Spain")),
    ("IT", ("Италия", "Italy")),
    ("NL", ("Нидерланды", "Netherlands")),
    ("GB", ("Великобритания", "United Kingdom", "Britain", "UK")),
    ("US", ("США", "USA", "United States", "US")),
    ("AR", ("Аргентина", "Argentina")),
    ("BR", ("Бразилия", "Brazil")),
    ("LK", ("Шри-Ланка", "Sri Lanka")),
    # Added with the gazetteer (the groups above are the watch rules' table as it was).
    ("AT", ("Австрия", "Austria")),
    ("CH", ("Швейцария", "Switzerland")),
    ("BE", ("Бельгия", "Belgium")),
    ("SE", ("Швеция", "Sweden")),
    ("NO", ("Норвегия", "Norway")),
    ("DK", ("Дания", "Denmark")),
    ("PT", ("Португалия", "Portugal")),
    ("GR", ("Греция", "Greece")),
    ("HU", ("Венгрия", "Hungary")),
    ("RO", ("Румыния", "Romania")),
    ("SK", ("Словакия", "Slovakia")),
    ("HR", ("Хорватия", "Croatia")),
    ("SI", ("Словения", "Slovenia")),
    ("MK", ("Северная Македония", "Македония", "North Macedonia", "Macedonia")),
    ("AL", ("Албания", "Albania")),
    ("IE", ("Ирландия", "Ireland")),
    ("IS", ("Исландия", "Iceland")),
    ("CA", ("Канада", "Canada")),
    ("MX", ("Мексика", "Mexico")),
    ("JP", ("Япония", "Japan")),
    ("KR", ("Южная Корея", "South Korea")),
    ("MY", ("Малайзия", "Malaysia")),
    ("PH", ("Филиппины", "Philippines")),
    ("KH", ("Камбоджа", "Cambodia")),
    ("LA", ("Лаос", "Laos")),
    ("SG", ("Сингапур", "Singapore")),
    ("IR", ("Иран", "Iran")),
    ("IQ", ("Ирак", "Iraq")),
    ("SY", ("Сирия", "Syria")),
    ("AF", ("Афганистан", "Afghanistan")),
    ("PK", ("Пакистан", "Pakistan")),
    ("NP", ("Непал", "Nepal")),
    ("BH", ("Бахрейн", "Bahrain")),
    ("OM", ("Оман", "Oman")),
    ("KW", ("Кувейт", "Kuwait")),
    ("MA", ("Марокко", "Morocco")),
    ("TN", ("Тунис", "Tunisia")),
    ("AU", ("Австралия", "Australia")),
    ("CL", ("Чили", "Chile")),
    ("CU", ("Куба", "Cuba")),
    ("VE", ("Венесуэла", "Venezuela")),
    ("HK", ("Гонконг", "Hong Kong")),
    ("MV", ("Мальдивы", "Maldives")),
)

# Places inside a country: capitals, major cities, regions, border crossings
# and airports, in Russian and English.
PLACES: dict[str, tuple[str, ...]] = {
    "RU": (
        "Москва", "Подмосковье", "Санкт-Петербург", "Петербург", "Питер", "Новосибирск", "Екатеринбург",
        "Казань", "Нижний Новгород", "Челябинск", "Самара", "Омск", "Ростов", "Ростов-на-Дону", "Уфа",
        "Красноярск", "Воронеж", "Пермь", "Волгоград", "Краснодар", "Саратов", "Тюмень", "Ижевск",
        "Барнаул", "Иркутск", "Хабаровск", "Владивосток", "Ярославль", "Махачкала", "Томск", "Оренбург",
        "Кемерово", "Рязань", "Астрахань", "Пенза", "Липецк", "Калининград", "Тула", "Курск", "Улан-Удэ",
        "Якутск", "Чита", "Сургут", "Мурманск", "Архангельск", "Сыктывкар", "Петрозаводск", "Белгород",
        "Брянск", "Смоленск", "Тверь", "Кострома", "Сочи", "Владикавказ", "Нальчик", "Магас", "Назрань",
        "Грозный", "Черкесск", "Элиста", "Ставрополь", "Пятигорск", "Новороссийск", "Магадан", "Норильск",
        "Салехард", "Ханты-Мансийск", "Южно-Сахалинск", "Благовещенск", "Биробиджан", "Абакан", "Кызыл",
        "Горно-Алтайск", "Анадырь", "Петропавловск-Камчатский", "Шереметьево", "Внуково", "Домодедово",
        "Пулково", "Лефортово", "Бурятия", "Якутия", "Чечня", "Дагестан", "Ингушетия",
        "Кабардино-Балкария", "Карачаево-Черкесия", "Северная Осетия", "Татарстан", "Башкортостан",
        "Башкирия", "Тыва", "Тува", "Калмыкия", "Карелия", "Мордовия", "Чувашия", "Удмуртия", "Адыгея",
        "Хакасия", "Сибирь", "Урал", "Кубань", "Приморье", "Чукотка", "Камчатка", "Сахалин", "Ямал",
        "Кузбасс",
        "Moscow", "Petersburg", "Saint Petersburg", "St Petersburg", "Novosibirsk", "Yekaterinburg",
        "Ekaterinburg", "Kazan", "Nizhny Novgorod", "Chelyabinsk", "Samara", "Omsk", "Rostov", "Ufa",
        "Krasnoyarsk", "Voronezh", "Perm", "Volgograd", "Krasnodar", "Saratov", "Tyumen", "Irkutsk",
        "Khabarovsk", "Vladivostok", "Makhachkala", "Tomsk", "Kaliningrad", "Ulan-Ude", "Yakutsk", "Sochi",
        "Grozny", "Vladikavkaz", "Nalchik", "Magas", "Sheremetyevo", "Vnukovo", "Domodedovo", "Pulkovo",
        "Lefortovo", "Buryatia", "Yakutia", "Chechnya", "Dagestan", "Ingushetia", "Tatarstan",
        "Bashkortostan", "Bashkiria", "Tuva", "Kalmykia", "Karelia", "Siberia", "Urals",
    ),
    "KZ": (
        "Алматы", "Алма-Ата", "Астана", "Нур-Султан", "Шымкент", "Караганда", "Актобе", "Актау", "Атырау",
        "Уральск", "Павлодар", "Костанай", "Кустанай", "Усть-Каменогорск", "Семей", "Семипалатинск",
        "Петропавловск", "Тараз", "Кызылорда", "Талдыкорган", "Экибастуз",
        "Almaty", "Alma-Ata", "Astana", "Nur-Sultan", "Shymkent", "Karaganda", "Aktobe", "Aktau", "Atyrau",
        "Uralsk", "Pavlodar", "Kostanay", "Ust-Kamenogorsk", "Oskemen", "Semey", "Taraz",
    ),
    "KG": (
        "Бишкек", "Ош", "Каракол", "Джалал-Абад", "Нарын", "Чолпон-Ата", "Иссык-Куль", "Токмок",
        "Bishkek", "Osh", "Karakol", "Jalal-Abad", "Naryn", "Cholpon-Ata", "Issyk-Kul",
    ),
    "UZ": (
        "Ташкент", "Самарканд", "Бухара", "Наманган", "Андижан", "Фергана", "Нукус", "Карши", "Хива",
        "Ургенч", "Термез",
        "Tashkent", "Samarkand", "Bukhara", "Namangan", "Andijan", "Fergana", "Nukus",
    ),
    "TJ": ("Душанбе", "Худжанд", "Куляб", "Бохтар", "Хорог",
           "Dushanbe", "Khujand", "Kulob", "Khorog"),
    "TM": ("Ашхабад", "Туркменбаши", "Дашогуз", "Ashgabat", "Turkmenbashi"),
    "GE": ("Тбилиси", "Батуми", "Кутаиси", "Рустави", "Зугдиди", "Абхазия", "Южная Осетия", "Сухум",
           "Сухуми", "Цхинвал", "Цхинвали",
           "Tbilisi", "Batumi", "Kutaisi", "Rustavi", "Zugdidi", "Abkhazia", "South Ossetia", "Sukhumi"),
    "AM": ("Ереван", "Гюмри", "Ванадзор", "Дилижан", "Звартноц", "Yerevan", "Gyumri", "Vanadzor",
           "Dilijan", "Zvartnots"),
    "AZ": ("Баку", "Гянджа", "Сумгаит", "Нахичевань", "Baku", "Ganja", "Sumgait", "Nakhchivan"),
    "TR": ("Стамбул", "Анкара", "Анталья", "Анталия", "Измир", "Аланья", "Бодрум", "Мерсин", "Трабзон",
           "Бурса", "Istanbul", "Ankara", "Antalya", "Izmir", "Alanya", "Bodrum", "Mersin", "Trabzon",
           "Bursa"),
    "AE": ("Эмираты", "Дубай", "Абу-Даби", "Шарджа", "Dubai", "Abu Dhabi", "Sharjah"),
    "TH": ("Бангкок", "Пхукет", "Паттайя", "Самуи", "Чиангмай", "Чианг-Май", "Краби", "Хуахин",
           "Bangkok", "Phuket", "Pattaya", "Samui", "Chiang Mai", "Krabi", "Hua Hin"),
    "VN": ("Ханой", "Хошимин", "Сайгон", "Нячанг", "Дананг", "Фукуок",
           "Hanoi", "Ho Chi Minh City", "Saigon", "Nha Trang", "Da Nang", "Phu Quoc"),
    "ID": ("Бали", "Джакарта", "Денпасар", "Убуд", "Чангу", "Ломбок",
           "Bali", "Jakarta", "Denpasar", "Ubud", "Canggu", "Lombok"),
    "MN": ("Улан-Батор", "Улаанбаатар", "Ulaanbaatar", "Ulan Bator"),
    "RS": ("Белград", "Нови-Сад", "Суботица", "Belgrade", "Novi Sad", "Subotica"),
    "ME": ("Подгорица", "Будва", "Херцег-Нови", "Котор", "Тиват",
           "Podgorica", "Budva", "Herceg Novi", "Kotor", "Tivat"),
    "IL": ("Тель-Авив", "Иерусалим", "Хайфа", "Ашдод", "Эйлат", "Нетания",
           "Tel Aviv", "Jerusalem", "Haifa", "Ashdod", "Eilat"),
    "DE": ("Берлин", "Мюнхен", "Гамбург", "Франкфурт", "Кёльн", "Дюссельдорф",
           "Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne"),
    "FR": ("Париж", "Марсель", "Ницца", "Лион", "Страсбург", "Paris", "Marseille", "Nice", "Lyon",
           "Strasbourg"),
    "PL": ("Варшава", "Краков", "Гданьск", "Вроцлав", "Познань", "Белосток", "Тересполь",
           "Warsaw", "Krakow", "Gdansk", "Wroclaw", "Poznan", "Bialystok", "Terespol"),
    "LT": ("Вильнюс", "Каунас", "Клайпеда", "Vilnius", "Kaunas", "Klaipeda"),
    "LV": ("Рига", "Даугавпилс", "Юрмала", "Riga", "Daugavpils", "Jurmala"),
    "EE": ("Таллин", "Таллинн", "Нарва", "Тарту", "Tallinn", "Narva", "Tartu"),
    "FI": ("Хельсинки", "Турку", "Тампере", "Иматра", "Лаппеэнранта", "Ваалимаа",
           "Helsinki", "Turku", "Tampere", "Imatra", "Lappeenranta", "Vaalimaa"),
    "BY": ("Минск", "Гомель", "Брест", "Гродно", "Витебск", "Могилёв",
           "Minsk", "Gomel", "Homel", "Brest", "Grodno", "Hrodna", "Vitebsk", "Mogilev"),
    "UA": ("Киев", "Київ", "Харьков", "Одесса", "Львов", "Днепр", "Запорожье", "Херсон", "Мариуполь",
           "Донецк", "Луганск", "Донбасс", "Крым", "Севастополь", "Симферополь", "Ялта", "Керчь",
           "Kyiv", "Kiev", "Kharkiv", "Odesa", "Odessa", "Lviv", "Dnipro", "Zaporizhzhia", "Kherson",
           "Mariupol", "Donetsk", "Luhansk", "Donbas", "Crimea", "Sevastopol", "Simferopol", "Yalta"),
    "MD": ("Кишинёв", "Приднестровье", "Тирасполь", "Chisinau", "Transnistria", "Tiraspol"),
    "US": ("Соединённые Штаты", "Америка", "Нью-Йорк", "Вашингтон", "Лос-Анджелес", "Майами",
           "Сан-Диего", "Чикаго", "Сан-Франциско", "Техас", "Калифорния", "Флорида",
           "United States of America", "America", "New York", "Los Angeles", "Miami", "San Diego",
           "Chicago", "San Francisco", "Texas", "California", "Florida"),
    "GB": ("Англия", "Британия", "Лондон", "England", "London"),
    "CZ": ("Прага", "Карловы Вары", "Prague", "Karlovy Vary"),
    "BG": ("Варна", "Бургас", "Varna", "Burgas"),
    "CY": ("Лимасол", "Ларнака", "Никосия", "Limassol", "Larnaca", "Nicosia"),
    "ES": ("Мадрид", "Барселона", "Валенсия", "Madrid", "Barcelona"),
    "IT": ("Милан", "Неаполь", "Rome", "Milan", "Naples"),
    "NL": ("Амстердам", "Гаага", "Роттердам", "Голландия", "Amsterdam", "The Hague", "Rotterdam",
           "Holland"),
    "CN": ("Пекин", "Шанхай", "Beijing", "Shanghai"),
    "IN": ("Гоа", "Дели", "Нью-Дели", "Goa", "Delhi", "New Delhi"),
    "EG": ("Каир", "Хургада", "Шарм-эль-Шейх", "Cairo", "Hurghada", "Sharm el-Sheikh"),
    "QA": ("Доха", "Doha"),
    "SA": ("Эр-Рияд", "Riyadh"),
    "AR": ("Буэнос-Айрес", "Buenos Aires"),
    "BR": ("Рио-де-Жанейро", "Сан-Паулу", "Rio de Janeiro", "Sao Paulo"),
    "LK": ("Коломбо", "Colombo"),
    "JP": ("Токио", "Tokyo"),
    "KR": ("Сеул", "Seoul"),
    "MY": ("Куала-Лумпур", "Kuala Lumpur"),
    "KH": ("Пномпень", "Phnom Penh"),
    "PH": ("Манила", "Manila"),
    "IR": ("Тегеран", "Tehran"),
    "AF": ("Кабул", "Kabul"),
    "AT": ("Вена", "Vienna"),
    "CH": ("Женева", "Цюрих", "Geneva", "Zurich"),
    "SE": ("Стокгольм", "Stockholm"),
    "NO": ("Осло", "Oslo"),
    "DK": ("Копенгаген", "Copenhagen"),
    "PT": ("Лиссабон", "Lisbon"),
    "GR": ("Афины", "Athens"),
    "HU": ("Будапешт", "Budapest"),
    "RO": ("Бухарест", "Bucharest"),
    "SK": ("Братислава", "Bratislava"),
    "HR": ("Загреб", "Zagreb"),
    "SI": ("Любляна", "Ljubljana"),
    "MK": ("Скопье", "Skopje"),
    "AL": ("Тирана", "Tirana"),
    "BA": ("Сараево", "Sarajevo", "Bosnia and Herzegovina"),
    "BE": ("Брюссель", "Brussels"),
    "IE": ("Дублин", "Dublin"),
    "CA": ("Торонто", "Ванкувер", "Монреаль", "Оттава", "Toronto", "Vancouver", "Montreal", "Ottawa"),
    "MX": ("Мехико", "Канкун", "Тихуана", "Mexico City", "Cancun", "Tijuana"),
}

# Adjectives that name one country (or one of its cities) and nothing else.
ADJECTIVES: dict[str, tuple[str, ...]] = {
    "RU": ("московский", "петербургский", "ленинградский", "подмосковный", "чеченский", "дагестанский",
           "бурятский", "якутский"),
    "KZ": ("казахстанский", "алматинский", "астанинский", "Kazakh", "Kazakhstani"),
    "KG": ("кыргызский", "киргизский", "кыргызстанский", "бишкекский", "Kyrgyz"),
    "UZ": ("узбекский", "узбекистанский", "ташкентский", "Uzbek"),
    "TJ": ("таджикский", "таджикистанский", "Tajik"),
    "TM": ("туркменский", "Turkmen"),
    "GE": ("грузинский", "тбилисский", "батумский", "Georgian"),
    "AM": ("армянский", "ереванский", "Armenian"),
    "AZ": ("азербайджанский", "бакинский", "Azerbaijani"),
    "TR": ("турецкий", "стамбульский", "Turkish"),
    "AE": ("эмиратский", "дубайский", "Emirati"),
    "TH": ("тайский", "таиландский", "Thai"),
    "VN": ("вьетнамский", "Vietnamese"),
    "ID": ("индонезийский", "балийский", "Indonesian", "Balinese"),
    "MN": ("монгольский", "Mongolian"),
    "RS": ("сербский", "белградский", "Serbian"),
    "ME": ("черногорский", "Montenegrin"),
    "IL": ("израильский", "Israeli"),
    "DE": ("немецкий", "германский", "берлинский", "German"),
    "FR": ("французский", "парижский", "French"),
    "PL": ("польский", "варшавский", "Polish"),
    "LT": ("литовский", "вильнюсский", "Lithuanian"),
    "LV": ("латвийский", "рижский", "Latvian"),
    "EE": ("эстонский", "Estonian"),
    "FI": ("финский", "финляндский", "Finnish"),
    "BY": ("белорусский", "минский", "Belarusian", "Belarussian"),
    "UA": ("украинский", "киевский", "Ukrainian"),
    "MD": ("молдавский", "молдавский", "Moldovan"),
    "US": ("американский", "American"),
    "GB": ("британский", "British"),
    "CN": ("китайский", "Chinese"),
    "CY": ("кипрский", "Cypriot"),
    "CZ": ("чешский", "Czech"),
    "BG": ("болгарский", "Bulgarian"),
    "EG": ("египетский", "Egyptian"),
    "IN": ("индийский",),
    "ES": ("испанский", "Spanish"),
    "IT": ("итальянский", "Italian"),
}

# Names that are also ordinary words: matched in running text only when
# capitalized there (any case is fine in an explicit `place`).
_CAPITALIZED = {"Ош", "Грозный", "Урал", "Тула", "Чита", "Сочи", "Тыва", "Вена", "Турку", "Варна",
                "Америка", "Nice", "Turkey", "China", "Chile", "Georgia", "Perm", "Kazan", "Magas",
                "Ganja", "Oral", "Naples", "Семей", "Дели", "Доха", "Бурса", "Тарту"}

_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# A word before a place that says the place is where it happened.
_LOCATIVE = {"в", "во", "на", "in", "at"}

# Match priority (lower is better): a country or place name, then an adjective.
_NAME, _ADJECTIVE = 0, 1


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().replace("ё", "е")




def _word_forms(word: str, *, adjective: bool, alone: bool) -> set[str]:
    """Every case form of one (folded) word of a Russian name. Short words
    inside a longer name ("на" in Ростов-на-Дону) stay as they are."""
    forms = {word}
    if not _CYRILLIC.search(word) or (len(word) <= 2 and not alone):
        return forms
    parses = analyzer().parse(word)
    if adjective:
        chosen = [p for p in parses if p.tag.POS == "ADJF"]
    else:
        chosen = [p for p in parses if "Geox" in p.tag] or [
            p for p in parses if p.tag.POS in ("NOUN", "ADJF")]
    for parse in chosen[:3]:
        number = parse.tag.number
        for form in parse.lexeme:
            # A name keeps its number ("Эмираты" stays plural); an adjective
            # of a multi-word name agrees with its noun in any number.
            if adjective or number is None or form.tag.number in (None, number):
                forms.add(form.word.replace("ё", "е"))
    return forms


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, list[tuple[tuple[frozenset[str], ...], str, int, bool, bool]]]:
    """First word form -> [(form sets of the following words, code, priority,
    must be capitalized in text, is an abbreviation)]."""
    entries: dict[str, list] = {}

    def add(name: str, code: str, priority: int) -> None:
        words = _TOKEN.findall(_fold(name))
        if not words:
            return
        abbreviation = name.isupper()            # "США", "UK": exactly so in text
        capitalized = name in _CAPITALIZED or (priority == _ADJECTIVE and not _CYRILLIC.search(name))
        adjective = priority == _ADJECTIVE
        form_sets = []
        for index, word in enumerate(words):
            # In a multi-word name every word but the last may be an adjective
            # ("Саудовская Аравия", "Нижний Новгород").
            is_adjective = adjective or (index < len(words) - 1 and word.endswith(
                ("ая", "ий", "ый", "ой", "ые", "ие")))
            form_sets.append(frozenset(_word_forms(word, adjective=is_adjective, alone=len(words) == 1)
                                       if not abbreviation else {word}))
        for first in form_sets[0]:
            entries.setdefault(first, []).append(
                (tuple(form_sets[1:]), code, priority, capitalized, abbreviation))

    for code, names in COUNTRIES:
        for name in names:
            add(name, code, _NAME)
    for code, names in PLACES.items():
        for name in names:
            add(name, code, _NAME)
    for code, names in ADJECTIVES.items():
        for name in names:
            add(name, code, _ADJECTIVE)
    for candidates in entries.values():
        candidates.sort(key=lambda entry: -len(entry[0]))   # longest name first
    return entries


def _matches(text: str, *, strict_case: bool) -> list[tuple[int, int, str]]:
    """(priority, position, code) of every gazetteer name found in `text`."""
    gazetteer = _gazetteer()
    originals = [m.group() for m in _TOKEN.finditer(unicodedata.normalize("NFKC", text))]
    words = [_fold(word) for word in originals]
    found = []
    index = 0
    while index < len(words):
        step = 1
        for rest, code, priority, capitalized, abbreviation in gazetteer.get(words[index], ()):
            end = index + 1 + len(rest)
            if end > len(words) or any(words[index + 1 + k] not in forms for k, forms in enumerate(rest)):
                continue
            original = originals[index]
            if abbreviation and not original.isupper() and (strict_case or len(original) <= 2):
                continue
            if strict_case and capitalized and not original[:1].isupper():
                continue
            rank = priority * 2
            if priority == _NAME and index > 0 and words[index - 1] in _LOCATIVE:
                rank -= 1                          # "в Казахстане": where it happened
            found.append((rank, index, code))
            step = end - index
            break
        index += step
    return found


def country_of(place: str | None, text: str = "") -> str | None:
    """The ISO 3166-1 alpha-2 code of the country `place` is in, or None.

    `place` is tried first (a country, city or region in any grammatical
    case, Russian or English, possibly inside a phrase: "аэропорт Алматы");
    when it names none, the best place named in `text` (say the evidence
    sentence) is taken: a name after "в"/"на"/"in"/"at" first, then any
    name, then a country adjective ("казахстанские власти"), each the
    earliest in the text.
    """
    for candidate, strict_case in ((place, False), (text, True)):
        if candidate and candidate.strip():
            found = _matches(candidate, strict_case=strict_case)
            if found:
                return min(found)[2]
    return None


_BY_CODE = {code: names for code, names in COUNTRIES}


def country_name(code: str | None, lang: str = "ru") -> str | None:
    """The display name of a country code ("KZ" -> "Казахстан" / "Kazakhstan").

    An unknown code comes back as given (upper-cased); None stays None.
    """
    if not code:
        return None
    names = _BY_CODE.get(code.upper())
    if names is None:
        return code.upper()
    if lang == "ru":
        return names[0]
    return next((name for name in names if not _CYRILLIC.search(name)), names[0])


def country_codes() -> list[str]:
    """Every code the gazetteer knows, in table order."""
    return [code for code, _ in COUNTRIES]


def warm_up() -> None:
    """Build the gazetteer now (loads pymorphy3): the first call pays otherwise."""
    _gazetteer()
