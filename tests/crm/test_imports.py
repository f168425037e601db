"""CSV import (mapping, all-or-nothing, per-row report) and CSV export of a list view."""

import csv
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.crm import queries
from tandem.crm.models import Change, ImportJob, Record


def _upload(client, text: str, module="Contacts"):
    file = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = client.post(f"/crm/acme/m/{module}/import/", {"file": file})
    assert response.status_code == 302, response.content
    return ImportJob.objects.latest("id")


def _map_and_run(client, job, django_capture_on_commit_callbacks, mapping=None):
    data = {f"col-{i}": (mapping or job.mapping).get(c, "") for i, c in enumerate(job.columns)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/crm/acme/m/{job.module.api_name}/import/{job.pk}/", data)
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def test_import_maps_columns_and_creates_every_row(
    client, person, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    client.force_login(person("admin@acme.test"))
    text = "First Name,Last Name,E-mail,Account,Ignored\n"
    text += "".join(f"Imp,Row {i},imp{i}@example.com,Globex,x\n" for i in range(30))
    job = _upload(client, text)
    assert job.mapping["First Name"] == "First_Name" and job.mapping["Last Name"] == "Last_Name"
    page = client.get(f"/crm/acme/m/Contacts/import/{job.pk}/").content.decode()
    assert "mapping-form" in page
    mapping = {**job.mapping, "E-mail": "Email", "Account": "Account_Name", "Ignored": ""}
    job = _map_and_run(client, job, django_capture_on_commit_callbacks, mapping)
    assert job.state == "done" and job.created == 30 and job.percent == 100
    contacts = queries.module_for(acme, "Contacts")
    imported = Record.objects.filter(module=contacts, name__startswith="Imp Row")
    assert imported.count() == 30
    globex = Record.objects.get(org=acme, name="Globex")
    assert {r.data["Account_Name"] for r in imported} == {globex.pk}
    assert Change.objects.filter(org=acme, origin="import").count() == 30
    progress = client.get(f"/crm/acme/m/Contacts/import/{job.pk}/", headers={"HX-Request": "true"})
    assert "30 records imported." in progress.content.decode()


def test_a_bad_file_imports_nothing_and_says_why(
    client, person, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    client.force_login(person("admin@acme.test"))
    text = "Last_Name,Email\nGood,good@example.com\n,missing@example.com\nBad,not-an-email\n"
    job = _upload(client, text)
    before = Record.objects.count()
    job = _map_and_run(client, job, django_capture_on_commit_callbacks)
    assert job.state == "rejected" and job.rejected == 2 and job.created == 0
    assert Record.objects.count() == before
    assert [item["row"] for item in job.report] == [3, 4]
    assert "Last_Name" in job.report[0]["errors"] and "Email" in job.report[1]["errors"]
    page = client.get(f"/crm/acme/m/Contacts/import/{job.pk}/").content.decode()
    assert "import-report" in page and "Nothing imported: 2 rows need fixing." in page


def test_a_file_without_header_is_refused(client, person):
    client.force_login(person("admin@acme.test"))
    file = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")
    client.post("/crm/acme/m/Contacts/import/", {"file": file})
    assert not ImportJob.objects.exists()


def test_standard_user_may_not_import_or_export(client, person):
    client.force_login(person("sales@acme.test"))
    assert client.get("/crm/acme/m/Contacts/import/").status_code == 403
    assert client.get("/crm/acme/m/Contacts/export.csv").status_code == 403


def test_export_follows_the_list_view(client, person, acme):
    client.force_login(person("admin@acme.test"))
    response = client.get("/crm/acme/m/Contacts/export.csv?Title=CEO")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "First Name", "Last Name"]
    title = header.index("Title")
    contacts = queries.module_for(acme, "Contacts")
    ceos = Record.objects.filter(module=contacts, data__Title="CEO").count()
    assert len(body) == ceos and all(r[title] == "CEO" for r in body)
    account = header.index("Account Name")
    assert all(r[account] and not r[account].isdigit() for r in body)


def test_export_neutralizes_spreadsheet_formulas(client, person, acme):
    """CSV injection: a cell a spreadsheet would run as a formula is exported as text."""
    contacts = queries.module_for(acme, "Contacts")
    record = Record.objects.filter(module=contacts).first()
    evil = {
        "First_Name": '=HYPERLINK("http://evil.test","x")',
        "Last_Name": "+1+1",
        "Title": "@SUM(A1)",
        "Phone": "-2+3",
        "Mobile": "\tcmd",
        "Email": "\r=1",
    }
    Record.objects.filter(pk=record.pk).update(data={**record.data, **evil})
    client.force_login(person("admin@acme.test"))
    response = client.get("/crm/acme/m/Contacts/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    [row] = [r for r in rows[1:] if r[0] == str(record.pk)]
    labels = {f.api_name: f.label for f in contacts.fields.all()}
    for api_name, value in evil.items():
        assert row[header.index(labels[api_name])] == "'" + value
    plain = [r for r in rows[1:] if r[0] != str(record.pk)]
    last = header.index(labels["Last_Name"])
    assert plain and all(not r[last].startswith("'") for r in plain)


def test_invalid_utf8_past_the_first_8kb_fails_the_job_and_removes_the_file(
    client, person, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    """C6: a bad byte the upload's sniffing did not see ends the job FAILED, not queued."""
    client.force_login(person("admin@acme.test"))
    good = "Last_Name,Email\n" + "".join(f"Row {i},row{i}@example.com\n" for i in range(600))
    assert len(good) > 8192
    file = SimpleUploadedFile(
        "people.csv",
        good.encode() + b"Bad \xff\xfe name,bad@example.com\n",
        content_type="text/csv",
    )
    assert client.post("/crm/acme/m/Contacts/import/", {"file": file}).status_code == 302
    job = ImportJob.objects.latest("id")
    before = Record.objects.count()
    job = _map_and_run(client, job, django_capture_on_commit_callbacks)
    assert job.state == "failed" and job.finished_at is not None
    assert "could not be read" in job.message
    assert not Path(job.path).exists()
    assert Record.objects.count() == before


def test_an_unexpected_error_fails_the_job_and_removes_the_file(
    client, person, acme, django_capture_on_commit_callbacks, immediate_tasks, monkeypatch, caplog
):
    from tandem.crm.actions import imports

    client.force_login(person("admin@acme.test"))
    job = _upload(client, "Last_Name,Email\nOne,one@example.com\n")

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "write_records", boom)
    job = _map_and_run(client, job, django_capture_on_commit_callbacks)
    assert job.state == "failed" and "nothing was imported" in job.message
    assert not Path(job.path).exists()
    assert "disk on fire" in caplog.text
