"""web.folding: a template's constant text is rendered once per language, escaping and script
prefix, and every page comes out exactly as Django's own cached loader renders it."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Engine
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation

from tandem.web.folding import FoldedNode
from tests.web.test_every_page_translated import Demo, pages

APP_DIRS = ["django.template.loaders.app_directories.Loader"]
PLAIN = ("django.template.loaders.cached.Loader", APP_DIRS)


def _engine(templates: dict[str, str], folding: bool = True) -> Engine:
    inner = [("django.template.loaders.locmem.Loader", templates)]
    loader = "tandem.web.folding.Loader" if folding else "django.template.loaders.cached.Loader"
    libraries = {"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"}
    return Engine(loaders=[(loader, inner)], libraries=libraries)


def _nodes(nodelist):
    for node in nodelist:
        yield node
        if hasattr(node, "conditions_nodelists"):  # an {% if %}
            lists = [inner for _condition, inner in node.conditions_nodelists]
        else:
            lists = [getattr(node, name, None) or [] for name in node.child_nodelists]
        for inner in lists:
            yield from _nodes(inner)


SOURCE = (
    "{% load i18n static %}<a href=\"{% url 'profile' %}\">{% translate 'Sign out' %}</a>"
    "<img src=\"{% static 'web/favicon.svg' %}\">{% if flag %}<b>{% translate 'Close' %}</b>"
    "{% endif %}{% translate word %}|{% translate 'Close' as closing %}{{ closing }}"
)


def test_constant_runs_become_one_node_and_variables_stay():
    template = _engine({"t.html": SOURCE}).get_template("t.html")
    kinds = [type(node).__name__ for node in template.nodelist]
    # The run up to {% if %}; the {% translate %} of a variable and the one `as` a name stay.
    assert kinds == [
        "FoldedNode", "IfNode", "TranslateNode", "TextNode", "TranslateNode", "VariableNode"
    ]  # fmt: skip
    inside = [n for n in _nodes(template.nodelist) if isinstance(n, FoldedNode)]
    assert len(inside) == 2  # the if's body is folded too


def test_each_language_escaping_and_prefix_has_its_own_text(db):
    folded = _engine({"t.html": SOURCE}).get_template("t.html")
    plain = _engine({"t.html": SOURCE}, folding=False).get_template("t.html")
    cases = [
        (language, autoescape, prefix)
        for prefix in ("/", "/tandem/")
        for autoescape in (True, False)
        for language in ("es", "de", "en", "es")
    ]
    try:
        for language, autoescape, prefix in cases:
            set_script_prefix(prefix)
            with translation.override(language):
                context = {"flag": True, "word": "Reply"}
                got = folded.render(Context(context, autoescape=autoescape))
                assert got == plain.render(Context(context, autoescape=autoescape))
                assert f'href="{prefix}' in got
    finally:
        set_script_prefix("/")
    with translation.override("de"):
        assert "Abmelden" in folded.render(Context({"flag": False, "word": "x"}))


def _masked(html: str) -> str:
    # The CSRF token is masked anew on every render; a sync page shows a lag in seconds.
    html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1…", html)
    return re.sub(r"\d+([.,]\d+)? s\b", "… s", html)  # 1.5 s, 1,5 s


@pytest.mark.parametrize("language", ("en", "es", "de"))
def test_every_page_is_what_django_alone_renders(client, person, language):
    admin = person("admin@acme.test")
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    paths = [path for _name, path in pages(Demo(admin))]
    compared = 0
    for path in paths:
        folded = client.get(path)
        if getattr(folded, "streaming", False) or "text/html" not in folded.get("Content-Type", ""):
            continue
        with override_settings(
            TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                        "OPTIONS": {"loaders": [PLAIN], "context_processors": _processors()}}]
        ):  # fmt: skip
            plain = client.get(path)
        assert folded.status_code == plain.status_code, path
        assert _masked(folded.content.decode()) == _masked(plain.content.decode()), path
        compared += 1
    assert compared > 40


def _processors() -> list[str]:
    from django.conf import settings

    return settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
