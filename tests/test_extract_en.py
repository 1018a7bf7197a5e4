"""English extraction on short texts of our own making: every event type,
negation and intention, pronouns, lists, roles, names."""
import pytest

from khronika.model import EVENT_TYPES as CONTRACT
from khronika.model import Document
from khronika.nlp import en


def extract(text, published="2026-03-04"):
    return en.extract(Document(id="t", path="t.txt", text=text, sha256="", captured_at="",
                               published=published, language="en"))


def events_of(text, published="2026-03-04"):
    ex = extract(text, published)
    names = {p.local_id: p.name for p in ex.persons}
    return [(names[e.person], e.type) for e in ex.events], ex


EVENT_TYPES = [
    ("Igor Laptev fled Russia for Georgia in 2022.", "Igor Laptev", "fled"),
    ("In 2024 Irina Sokolova was put on Russia's federal wanted list.", "Irina Sokolova", "wanted"),
    ("Police in Bishkek detained Timur Akhmedov on Monday.", "Timur Akhmedov", "detained"),
    ("A court remanded Oleg Ryabov in custody for two months.", "Oleg Ryabov", "arrested"),
    ("Investigators charged Anna Krylova with treason.", "Anna Krylova", "charged"),
    ("Russia requested the extradition of Viktor Zaitsev in May.", "Viktor Zaitsev", "extradition_requested"),
    ("The prosecutor general approved the extradition of Viktor Zaitsev.", "Viktor Zaitsev",
     "extradition_approved"),
    ("A court in Yerevan refused to extradite Pavel Orlov.", "Pavel Orlov", "extradition_denied"),
    ("Kazakhstan extradited Ruslan Gadzhiev to Russia last week.", "Ruslan Gadzhiev", "extradited"),
    ("A judge ordered the deportation of Maria Lebedeva.", "Maria Lebedeva", "deportation_ordered"),
    ("Kyrgyzstan deported Artyom Belov to Russia.", "Artyom Belov", "deported"),
    ("Police handed Denis Nosov over to Russian security officers.", "Denis Nosov", "handed_over"),
    ("Sergei Kudrin was later transferred to a penal colony in Perm.", "Sergei Kudrin", "transferred"),
    ("Border guards denied Ksenia Belova entry at the crossing.", "Ksenia Belova", "entry_refused"),
    ("Ilya Gromov applied for asylum in Germany.", "Ilya Gromov", "asylum_applied"),
    ("Turkey denied Ilya Gromov asylum in March.", "Ilya Gromov", "asylum_denied"),
    ("France granted Ilya Gromov political asylum.", "Ilya Gromov", "asylum_granted"),
    ("A court released Nina Fomina on bail yesterday.", "Nina Fomina", "released"),
    ("A military court sentenced Andrei Lunin to eight years for desertion.", "Andrei Lunin", "sentenced"),
    ("Marat Isaev filed an appeal on Tuesday.", "Marat Isaev", "appeal_filed"),
    ("Vadim Kornilov escaped from the detention centre.", "Vadim Kornilov", "escaped"),
    ("Gleb Karpov went missing in Yerevan in May.", "Gleb Karpov", "disappeared"),
]


@pytest.mark.parametrize("text,name,etype", EVENT_TYPES)
def test_every_event_type(text, name, etype):
    found, _ = events_of(text)
    assert (name, etype) in found


def test_the_table_covers_every_contract_type():
    assert {etype for _, _, etype in EVENT_TYPES} == set(CONTRACT)


@pytest.mark.parametrize("text", [
    "Petr Somov was not detained.",
    "Officials denied that Petr Somov was extradited.",
    "Petr Somov will appeal the ruling.",
    "Petr Somov plans to seek asylum in Germany.",
    "Petr Somov could face extradition to Russia.",
    "Petr Somov is threatened with deportation.",
    "The ministry released a statement about Petr Somov.",
])
def test_negated_and_intended_acts_are_not_events(text):
    found, _ = events_of(text)
    assert found == []


def test_pronouns_and_roles():
    text = ("Interior Minister Arman Seitov said the law would be respected. "
            "Dmitry Volkov left Russia in 2022. Police detained him in Almaty in March. "
            '"This is political," said his lawyer, Jane Miller.')
    found, ex = events_of(text)
    roles = {p.name: p.role for p in ex.persons}
    assert ("Dmitry Volkov", "detained") in found
    assert roles["Arman Seitov"] == "official"
    assert roles["Jane Miller"] == "lawyer"
    assert not any(name in ("Arman Seitov", "Jane Miller") for name, _ in found)


def test_feminine_pronoun_and_surname_mentions():
    found, ex = events_of("Police detained Yulia Zhuravleva in Budva. Two days later she was released. "
                          "Zhuravleva has applied for asylum.")
    assert [p.name for p in ex.persons] == ["Yulia Zhuravleva"]
    assert {("Yulia Zhuravleva", t) for t in ("detained", "released", "asylum_applied")} <= set(found)


def test_several_persons_in_one_sentence():
    found, ex = events_of("Police detained Nikita Borodin and Ruslan Yakupov in Gyumri. "
                          "Both were later handed over to Russian military police.")
    assert ("Nikita Borodin", "detained") in found and ("Ruslan Yakupov", "detained") in found
    assert ("Nikita Borodin", "handed_over") in found and ("Ruslan Yakupov", "handed_over") in found


def test_spelling_variants_in_one_text_are_one_person():
    ex = extract("Yulia Zhuravleva was detained in Budva. Court papers give her name as Yuliya Zhuravleva.")
    assert len(ex.persons) == 1


def test_dates_resolve_against_publication():
    _, ex = events_of("Police detained Timur Akhmedov in late January. Two days later he was released.",
                      published="2026-03-04")
    dates = {e.type: e.date for e in ex.events}
    assert dates["detained"] == "2026-01"


def test_organisations_are_not_persons():
    ex = extract("The Tashkent City Court and Human Rights Watch criticised the decision.")
    assert ex.persons == []
