"""Every refusal the APIs share (paging, an unknown endpoint, a wrong method, a body that does
not fit) is in the request's language: a German client used to read English in these."""

from __future__ import annotations

import pytest

T = "/api/desk/v1/tickets"

SAID = {
    "de": {
        "limit": ("limit muss zwischen 1 und 200 liegen.", ["Verwenden Sie 1 bis 200."]),
        "cursor": ("Diesen Cursor hat diese API nicht ausgegeben.", ["Ungültiger Cursor."]),
        "nowhere": "Unter /api/desk/v1/nowhere gibt es keinen API-Endpunkt.",
        "method": "PUT ist hier nicht erlaubt. Erlaubt: ",
        "not_int": ["Geben Sie eine ganze Zahl ein."],
    },
    "es": {
        "limit": ("limit debe estar entre 1 y 200.", ["Use de 1 a 200."]),
        "cursor": ("Este cursor no lo ha entregado esta API.", ["Cursor no válido."]),
        "nowhere": "No hay ningún punto de acceso de la API en /api/desk/v1/nowhere.",
        "method": "PUT no está permitido aquí. Permitido: ",
        "not_int": ["Introduzca un número entero."],
    },
    "en": {
        "limit": ("limit must be between 1 and 200.", ["Use 1 to 200."]),
        "cursor": ("The cursor is not one this API gave out.", ["Invalid cursor."]),
        "nowhere": "There is no API endpoint at /api/desk/v1/nowhere.",
        "method": "PUT is not allowed here. Allowed: ",
        "not_int": ["Enter a whole number."],
    },
}


@pytest.mark.parametrize("language", ["de", "es", "en"])
def test_the_shared_refusals_are_in_the_requests_language(api, demo_data, language):
    client = api("admin@acme.test", portal="acme-support")
    said = SAID[language]

    def answer(method: str, path: str, status: int) -> dict:
        headers = {**client.headers, "Accept-Language": language}
        response = getattr(client.client, method)(path, headers=headers)
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        return response.json()

    body = answer("get", f"{T}?limit=0", 400)
    assert (body["detail"], body["errors"]["limit"]) == (said["limit"][0], said["limit"][1])
    body = answer("get", f"{T}?cursor=zzz", 400)
    assert (body["detail"], body["errors"]["cursor"]) == (said["cursor"][0], said["cursor"][1])
    assert answer("get", f"{T}?contact_id=abc", 400)["errors"]["contact_id"] == said["not_int"]
    assert answer("get", "/api/desk/v1/nowhere", 404)["detail"] == said["nowhere"]
    assert answer("put", T, 405)["detail"].startswith(said["method"])
