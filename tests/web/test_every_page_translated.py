"""Every page, walked from the URL configuration (so pages added later are walked too), is
rendered as the demo admin in Spanish and German; no text that our catalogs translate may show
in English, and no boolean may read "True"/"False".

A page whose URL takes a parameter this test cannot fill fails the test: teach FILL (below) how
to fill it, or name the page in SKIP with the reason."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tandem
from tandem.crm.models import ImportJob, Module, Profile, Record
from tandem.crm.models import Signal as CrmSignal
from tandem.desk import links
from tandem.desk.models import Account, Contact, Product, Ticket
from tandem.identity import tokens
from tandem.identity.models import User
from tests.web.test_translations import parse_po

LANGUAGES = ("es", "de")
ORG, PORTAL = "acme", "acme-support"
SKIP = {
    "password_reset_confirm": "Django's page; needs a one-time token",
    "crm:invitation": "needs a pending invitation's token (tests/crm/test_people.py)",
    "desk:invitation": "needs a pending invitation's token (tests/desk/test_setup.py)",
    "crm:signals_stream": "an endless event stream, no page",
}
# Text that is data, not UI: the demo names things with words our catalogs also hold.
DATA = {"Support", "Billing", "Desk"}
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Not read as words: code, and the api names (identifiers for API calls) shown in <code>.
HIDDEN = ("script", "style", "template", "code")
PLACEHOLDER = re.compile(r"%(\([^)]+\))?[sd]|\{")


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes outside script/style, and the attributes
    screen readers and hints read out."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.found.append(data)


def visible_texts(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {" ".join(t.split()) for t in parser.found if t.strip()}


@cache
def untranslated_looking(language: str) -> dict[str, str]:
    """{English msgid: its translation} of every catalog, where the two differ and the msgid
    is a whole text (no placeholders to fill)."""
    package = Path(tandem.__file__).resolve().parent
    found = {}
    for po in package.glob(f"**/locale/{language}/LC_MESSAGES/django.po"):
        for entry in parse_po(po):
            text = entry.msgstr.get(0, "")
            if entry.is_header or not text or entry.msgid_plural is not None:
                continue
            if PLACEHOLDER.search(entry.msgid) or text == entry.msgid:
                continue
            found[" ".join(entry.msgid.split())] = text
    # German "Profile" and "Module" are plurals, not English left over: a text that is some
    # message's translation is the language's own word.
    translations = {" ".join(t.split()) for t in found.values()}
    return {k: v for k, v in found.items() if k not in translations}


def walk(patterns, prefix="", namespace=""):
    """(route, url name, parameter names) of every page of the URL configuration."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name]))
            yield prefix + str(p.pattern), name, list(p.pattern.converters)


class Demo:
    """Ids and slugs of the demo data, to fill URL parameters with."""

    def __init__(self, admin: User):
        self.admin = admin
        self.ticket = Ticket.objects.filter(portal__slug=PORTAL).order_by("id").first()
        self.modules = list(
            Module.objects.filter(org__slug=ORG, kind="standard").values_list("api_name", flat=True)
        )
        job = ImportJob.objects.create(
            org=self.ticket and Module.objects.get(org__slug=ORG, api_name="Contacts").org,
            module=Module.objects.get(org__slug=ORG, api_name="Contacts"),
            user=admin,
            file_name="people.csv",
            columns=["Surname", "Mail"],
            state=ImportJob.State.REJECTED,
            total=2,
            rejected=1,
            report=[{"row": 3, "errors": {"Email": ["Enter a valid email address."]}}],
        )
        self.job_id = job.pk
        self.token_id = tokens.do_create_token(actor=admin, kind="crm", tenant_id=job.org_id)[0].pk

    def fill(self, route: str, name: str) -> list[dict]:
        """Parameter values for `route` (one set per module where it takes a module)."""
        crm = route.startswith("crm/")
        modules = self.modules if "<str:module>" in route else [None]
        filled = []
        for module in modules:
            values = {"slug": ORG if crm else PORTAL}
            if module:
                values["module"] = module
            for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
                if param not in values:
                    values[param] = FILL[param](self, module)
            filled.append(values)
        return filled


FILL = {
    "record_id": lambda d, m: (
        Record.objects.filter(module__org__slug=ORG, module__api_name=m).order_by("id").first().pk
    ),
    "field": lambda d, m: "Email" if m in ("Contacts", "Accounts", "Leads") else "Description",
    "user_id": lambda d, m: User.objects.get(email="sales@acme.test").pk,
    "profile_id": lambda d, m: Profile.objects.get(org__slug=ORG, name="Standard").pk,
    "signal_id": lambda d, m: (
        CrmSignal.objects.filter(user=d.admin).order_by("id").first().pk
        if CrmSignal.objects.filter(user=d.admin).exists()
        else 0
    ),
    "job_id": lambda d, m: d.job_id,
    "token_id": lambda d, m: d.token_id,
    "ticket_id": lambda d, m: d.ticket.pk,
    "contact_id": lambda d, m: Contact.objects.filter(portal__slug=PORTAL).first().pk,
    "account_id": lambda d, m: Account.objects.filter(portal__slug=PORTAL).first().pk,
    "product_id": lambda d, m: Product.objects.filter(portal__slug=PORTAL).first().pk,
    "attachment_id": lambda d, m: 0,
    "op": lambda d, m: "comment",  # actions: POST only, answered 405 to a GET
    "entry_id": lambda d, m: 0,  # the sync log's Retry: POST only, answered 405 to a GET
    "token": lambda d, m: None,  # chosen per page in _token
    "uidb64": lambda d, m: None,
}


def _token(name: str, demo: Demo) -> str | None:
    if name == "desk:customer_ticket" or name == "desk:customer_file":
        return links.customer_token(demo.ticket)
    if name == "desk:rate":
        return links.rating_token(demo.ticket)
    return None


def pages(demo: Demo) -> list[tuple[str, str]]:
    found, unknown = [], []
    for route, name, params in walk(get_resolver().url_patterns):
        if route.startswith(("api/", "^", "static/", "health/", "i18n/")) or name in SKIP:
            continue
        missing = [p for p in params if p not in FILL and p not in ("slug", "module")]
        if missing:
            unknown.append(f"{name} ({route}): {missing}")
            continue
        for values in demo.fill(route, name):
            if "token" in values:
                values["token"] = _token(name, demo)
            path = "/" + route
            for key, value in values.items():
                path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
            found.append((name, path))
    assert not unknown, "teach FILL or SKIP these URL parameters:\n" + "\n".join(unknown)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_persons_language(client, person, language):
    admin = person("admin@acme.test")
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    catalog = untranslated_looking(language)
    rendered, problems = 0, []
    for _name, path in pages(Demo(admin)):
        response = client.get(path, headers={"Accept-Language": language})
        if getattr(response, "streaming", False):
            # Not closed here: closing sends request_finished, whose handler closes the
            # database connection, and on PostgreSQL that ends the test's transaction.
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        for text in visible_texts(response.content.decode()):
            if text in ("True", "False"):
                problems.append(f"{path}: a boolean reads {text!r}")
            elif text in catalog and text not in DATA:
                problems.append(f"{path}: {text!r} (should read {catalog[text]!r})")
    assert rendered > 40, f"only {rendered} pages rendered: is the demo loaded?"
    assert not problems, f"English left in the {language} pages:\n" + "\n".join(
        sorted(set(problems))
    )
