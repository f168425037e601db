"""The profile editor: feature permissions are labelled checkboxes, and the whole page, screen
reader labels included, speaks the person's language."""

import re

import pytest


def _as_admin(client, person, language):
    admin = person("admin@acme.test")
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    return client


def _checkboxes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox"[^>]*>', page)


@pytest.mark.parametrize(
    ("language", "manage", "headers", "aria"),
    [
        ("en", "Manage users", ["View", "Create", "Edit", "Delete"], "Contacts: Edit"),
        ("es", "Gestionar usuarios", ["Ver", "Crear", "Editar", "Eliminar"], "Contactos: Editar"),
        (
            "de",
            "Benutzer verwalten",
            ["Anzeigen", "Erstellen", "Bearbeiten", "Löschen"],
            "Kontakte: Bearbeiten",
        ),
    ],
)
def test_feature_permissions_are_labelled_checkboxes_in_the_pages_language(
    client, person, acme, language, manage, headers, aria
):
    standard = acme.profiles.get(name="Standard")
    standard.features = ["import_export"]
    standard.save(update_fields=["features"])
    page = _as_admin(client, person, language).get(f"/crm/acme/setup/profiles/{standard.pk}/")
    html = page.content.decode()
    features = html.split('id="id_features"')[1].split("</fieldset>")[0]
    boxes = _checkboxes(features)
    assert len(boxes) == 4
    assert all('class="form-check-input' in box and "form-control" not in box for box in boxes)
    checked = [box for box in boxes if "checked" in box]
    assert len(checked) == 1 and 'value="import_export"' in checked[0]
    assert f'<label class="form-check-label" for="id_features_0">{manage}</label>' in features
    matrix = html.split("<thead>")[1].split("</thead>")[0]
    assert [h for h in re.findall(r"<th>([^<]*)</th>", matrix)][1:] == headers
    assert f'aria-label="{aria}"' in html
    assert ' view"' not in html and ' edit"' not in html
