"""Every translation catalog is complete and its compiled .mo says what its .po says.

The .po files are read by the small parser below (polib is not a dependency of Tandem). A .mo
is compared by content, not by date: git does not keep file times."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import tandem

PACKAGE = Path(tandem.__file__).resolve().parent
ROOT = PACKAGE.parent
LANGUAGES = ("es", "de")
PO_FILES = sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/*.po"))
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
PLACEHOLDER = re.compile(r"%\([^)]+\)[a-z]|%[sd]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', f"{where}: not a quoted string"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, obsolete ones (#~) left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the string a continuation line extends
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line, where = raw.strip(), f"{path}:{number}"
        if not line or line.startswith("#~"):
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{where}: stray string"
            name, index = target
            text = _unquote(line, where)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        keyword, _, rest = line.partition(" ")
        starts = line.startswith("#") or keyword in ("msgctxt", "msgid")
        if starts and (entry is None or entry.msgstr):  # the previous entry is complete
            entry, target = Entry(number), None
            entries.append(entry)
        assert entry is not None, f"{where}: {keyword} outside an entry"
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#:"):
            entry.references += line[2:].split()
        elif line.startswith("#"):
            pass
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest, where))
            target = (keyword, 0)
        elif (form := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)) is not None:
            index = int(form.group(1) or 0)
            entry.msgstr[index] = _unquote(rest, where)
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{where}: unknown keyword {keyword!r}")
    return entries


def _nplurals(entries: list[Entry]) -> int:
    header = next(e for e in entries if e.is_header).msgstr[0]
    found = re.search(r"nplurals\s*=\s*(\d+)", header)
    assert found, "the header has no Plural-Forms"
    return int(found.group(1))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_app_catalog_exists_in_every_language():
    assert PO_FILES, "no catalogs found"
    for locale in {p.parents[2] for p in PO_FILES}:
        for language in LANGUAGES:
            po = locale / language / "LC_MESSAGES" / "django.po"
            assert po.exists(), f"{_name(po)} is missing"


@pytest.mark.parametrize("po", PO_FILES, ids=_name)
def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = parse_po(po)
    nplurals = _nplurals(entries)
    problems = []
    for e in entries:
        if e.is_header:
            continue
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid!r}")
        forms = range(nplurals) if e.msgid_plural is not None else range(1)
        if sorted(e.msgstr) != list(forms) or not all(e.msgstr.values()):
            problems.append(f"line {e.line}: untranslated: {e.msgid!r}")
    assert not problems, f"{_name(po)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=_name)
def test_translations_keep_their_placeholders(po):
    problems = []
    for e in parse_po(po):
        if e.is_header or not any(e.msgstr.values()):
            continue
        wanted = set(PLACEHOLDER.findall(e.msgid + (e.msgid_plural or "")))
        for form, text in e.msgstr.items():
            got = set(PLACEHOLDER.findall(text))
            # A plural form may leave the number out ("one ticket"), never add a name.
            if got != wanted if e.msgid_plural is None else not got <= wanted:
                problems.append(f"line {e.line} msgstr[{form}]: {sorted(got)} for {e.msgid!r}")
    assert not problems, f"{_name(po)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=_name)
def test_each_catalog_holds_only_its_own_apps_strings(po):
    # Run makemessages from the wrong folder and one catalog swallows every app's strings.
    app = po.parents[3]
    apps = {p.parents[3] for p in PO_FILES}
    strays = set()
    for e in parse_po(po):
        for reference in e.references:
            path = reference.rsplit(":", 1)[0]
            source = next((b / path for b in (app, ROOT) if (b / path).is_file()), None)
            if source is None:
                continue  # moved since the catalog was made: nothing to say where it belongs
            # A file belongs to the innermost folder with a catalog that holds it.
            owners = [a for a in apps if source.resolve().is_relative_to(a)]
            if max(owners, key=lambda a: len(a.parts), default=None) != app:
                strays.add(path)
    assert not strays, f"{_name(po)} holds strings of other apps: {sorted(strays)}"


@pytest.mark.parametrize("po", PO_FILES, ids=_name)
def test_the_compiled_catalog_matches_its_po(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{_name(mo)} is missing: run compilemessages"
    expected: dict = {}
    for e in parse_po(po):
        if e.is_header or "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue  # msgfmt leaves these out
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, form): text for form, text in e.msgstr.items()})
    with mo.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    catalog = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert catalog == expected, f"{_name(mo)} is stale: run compilemessages"
    header = next(e for e in parse_po(po) if e.is_header).msgstr[0]
    assert f"Plural-Forms: {compiled.info()['plural-forms']}\n" in header


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_two_apps_share_reads_the_same_in_both(language):
    # Django looks a message up in the apps' catalogs in INSTALLED_APPS order, so when the CRM
    # and Desk translate one msgid differently, one of them silently loses its wording (Desk's
    # "Open" read "Öffnen", the verb). Words that differ in meaning take a context instead.
    seen: dict[str, dict[str, str]] = {}
    for po in PO_FILES:
        if po.parts[-3] != language:
            continue
        for entry in parse_po(po):
            if not entry.is_header:
                seen.setdefault(entry.key, {})[_name(po)] = entry.msgstr.get(0, "")
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, clashes
