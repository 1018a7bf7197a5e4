"""Refresh the web app's message catalogs from the code and templates.

    .venv/bin/python scripts/update_catalogs.py

Extracts every translatable string (pybabel over khronika/web and
khronika/publish, the public archive's templates and code, plus the
label tables of khronika/web/i18n.py, which are looked up at run time)
into khronika/web/locale/khronika.pot and merges it into each language's
.po, keeping existing translations. New strings arrive untranslated
(and show in English until someone translates them).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "khronika" / "web" / "locale"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from khronika.web import i18n
    pot = LOCALE / "khronika.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-o", str(pot), "--no-location", "--sort-output", "--omit-header",
                    str(ROOT / "khronika" / "web"), str(ROOT / "khronika" / "publish")],
                   check=True, cwd=ROOT)
    with pot.open("rb") as f:
        template = read_po(f)
    for table in (i18n.EVENT_TYPE_LABELS, i18n.CASE_STATUS_LABELS, i18n.ROLE_LABELS,
                  i18n.REVIEW_STATUS_LABELS, i18n.ATTRIBUTE_LABELS):
        for label in table.values():
            template.add(label)
    with pot.open("wb") as f:
        write_po(f, template, omit_header=True, sort_output=True, no_location=True)
    for language in i18n.LANGUAGES:
        if language == "en":
            continue
        po = LOCALE / language / "LC_MESSAGES" / "khronika.po"
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale=language)
        else:
            catalog = Catalog(locale=language, project="khronika")
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as f:
            write_po(f, catalog, sort_output=True, no_location=True, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")
        for message in missing:
            print(f"  {message!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
