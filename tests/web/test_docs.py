"""The project carries its own documents (issue 13 §10): the README and docs/ link only to files
a clone has, and the API overview's addresses answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings: lower case, punctuation dropped, spaces as dashes."""
    titles = re.findall(r"^#+ (.+)$", markdown, re.M)
    return {re.sub(r"[^\w\- ]", "", t.lower()).replace(" ", "-") for t in titles}


def test_the_readme_and_docs_exist():
    names = {p.relative_to(ROOT).as_posix() for p in DOCUMENTS}
    assert {"README.md", "docs/architecture.md", "docs/api.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_link_reaches_a_file_of_the_clone(document):
    text = document.read_text()
    assert "../shared" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (document.parent / path).resolve() if path else document
        assert file.is_file() and ROOT in file.parents, f"{document.name} links {target}"
        if anchor:
            assert anchor in anchors(file.read_text()), f"{document.name} links {target}"


def test_the_readme_points_a_newcomer_to_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/architecture.md)" in readme and "(docs/api.md)" in readme


@pytest.mark.django_db
@pytest.mark.parametrize("domain", ["crm", "desk"])
def test_the_openapi_documents_the_overview_names_answer(client, domain):
    overview = (ROOT / "docs" / "api.md").read_text()
    for path in (f"/api/{domain}/v1/openapi.json", f"/api/{domain}/v1/docs"):
        assert f"`{path}`" in overview
        assert client.get(path).status_code == 200, path
