"""`khronika dossier NAME [--pdf]`: one person's sourced record for a legal filing.

    from khronika.publish.dossier import dossier_html, dossier_pdf
    html = dossier_html(store, person_id, language="en")
    pdf = dossier_pdf(html)                      # WeasyPrint

The dossier holds the person and their names, their current status (custody,
place, since when; the last event; the charges and terms), a summary
paragraph generated from the confirmed facts in the reader's language
(`narrative.summary`), the timeline with each fact's quoted sentences citing
the numbered source list, and that list: every source once with its title,
outlet, URL (or, with none, its file name), capture time and full SHA-256.

By default it reads through the public gate (`PublicArchive`), like the
static archive: confirmed facts only, nothing from the case file, so it can
be attached to a filing (UN Human Rights Committee, ECHR Rule 39, UNHCR) and
it passes the same private-string scan as the archive. A person marked "do
not publish" has no public record, so there is no default dossier for them.

`include_case_file=True` makes the confidential version: it also shows the
case file's status, summary and next hearing, may be made for a person
marked "do not publish", and says CONFIDENTIAL at the top of every page.
"""
from __future__ import annotations

from khronika.publish.public import PublicArchive
from khronika.publish.site import environment, person_context


class DossierError(Exception):
    pass


def dossier_html(store, person_id: str, *, language: str = "ru", include_case_file: bool = False) -> str:
    """The dossier as one self-contained HTML page (no scripts, styles inline)."""
    from khronika.web.i18n import CASE_STATUS_LABELS, translations
    archive = PublicArchive(store, [person_id], include_withheld=include_case_file)
    person = archive.person(person_id)
    if person is None:
        raise DossierError(
            "no published record for this person (no confirmed events, or marked \"do not publish\"); "
            "--include-case-file makes a confidential dossier" if not include_case_file
            else "no confirmed events for this person")
    env = environment(language)
    gettext = translations(language).gettext
    case, case_status = None, None
    if include_case_file:
        full = store.case_file(person_id)
        # Only these three fields of the private case file, never notes, tasks or attachments.
        case = {key: full.get(key) for key in ("status", "summary", "next_hearing")}
        if case["status"]:
            case_status = gettext(CASE_STATUS_LABELS.get(case["status"], case["status"]))
    context = person_context(person, language)
    if include_case_file:
        # The legal team's copy says where a local file is on disk; the public one only its name.
        context["local_paths"] = {s.document_id: (store.document_record(s.document_id) or {}).get("path")
                                  for s in context["sources"] if not s.url}
    page = env.get_template("dossier.html").render(
        person=person, case=case, case_status=case_status, generated_at=archive.generated_at, **context)
    scanner = archive.withheld_scanner([person])
    if scanner is not None and scanner(page):
        raise DossierError("a withheld name is still in the dossier; nothing was written")
    return page


def dossier_pdf(html: str) -> bytes:
    """Render the dossier HTML to PDF with WeasyPrint (nothing is fetched:
    the page has no external resources and no base URL)."""
    import logging

    from weasyprint import HTML
    # WeasyPrint logs every CSS property it does not support at WARNING.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the dossier loads nothing from outside: {url}")
