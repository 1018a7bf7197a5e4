"""HTML pages: one Jinja2 environment per language, and `render` for handlers.

Below the routers like context.py: the page routers and app.py's error
handlers import it; it imports none of them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from khronika import views
from khronika.person_status import charge_label, display_name, place_words
from khronika.web import i18n
from khronika.web.context import Context, set_cookie

TEMPLATES_DIR = Path(__file__).parent / "templates"


def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,                  # every scraped string is text, never markup
        auto_reload=False,                # no stat() of every template on every request
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)
    gettext = i18n.translations(language).gettext
    env.globals.update(
        language=language, languages=i18n.LANGUAGES,
        event_label=lambda t: i18n.event_label(t, language),
        status_label=lambda s: gettext(i18n.CASE_STATUS_LABELS.get(s, s)) if s else "—",
        role_label=lambda r: gettext(i18n.ROLE_LABELS.get(r, r)),
        review_label=lambda s: gettext(i18n.REVIEW_STATUS_LABELS.get(s, s)),
        event_types=list(i18n.EVENT_TYPE_LABELS),
        date=i18n.date_formatter(language),
        country_label=lambda code: _country_name(code, language),
        # "Алматы (Казахстан)": the place with its country unless it names it,
        # both in the page's language ("Almaty (Kazakhstan)"; other words romanized).
        place_label=lambda place, country: views.place_label(place_words(place, language), country, language),
        term=lambda years: views.format_term(years, language),
        charge_label=lambda text: charge_label(text, language),
        attribute_label=lambda key: i18n.attribute_label(key, language),
        # Names are data, never translated: the page's script first (romanized
        # on an English page where only Cyrillic is known), the other after.
        person_name=lambda name, latin=None, aliases=(): display_name(name, latin, aliases or (), language),
        other_name=lambda name, latin=None, aliases=(): _other_name(name, latin, aliases or (), language),
    )
    env.globals["highlight"] = highlight
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["http_url"] = http_url
    env.filters["country"] = env.globals["country_label"]
    return env


def _other_name(name: str | None, latin: str | None, aliases, language: str) -> str:
    """The name in the other script, or "" when it reads the same."""
    first = display_name(name, latin, aliases, language)
    other = display_name(name, latin, aliases, "en" if language == "ru" else "ru")
    return "" if other == first else other


def _country_name(code: str | None, language: str) -> str:
    from khronika.geo import country_name
    return (country_name(code, language) or code) if code else "—"


def render(ctx: Context, template: str, values: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    env: jinja2.Environment = ctx.request.app.state.templates[ctx.language]
    page = env.get_template(template).render(
        user=ctx.user, csrf_token=ctx.csrf_token or "", request_path=ctx.request.url.path,
        query_string=str(ctx.request.url.query), today=dt.date.today().isoformat(), **values)
    response = HTMLResponse(page, status_code=status_code)
    if ctx.request.query_params.get("lang") in i18n.LANGUAGES:
        set_cookie(ctx.request, response, "khronika_lang", ctx.language, max_age=365 * 86400)
    return response


def http_url(value: Any) -> str | None:
    """`value` when it is an http(s) URL, else None: the one check before any
    stored URL becomes a link (never javascript:, data:, vbscript:...)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def highlight(text: str, start: int, end: int) -> Markup:
    """`text` escaped, with [start:end) marked: the evidence sentence in its context."""
    start, end = max(0, start), min(len(text), end)
    return Markup(f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}")
