"""A refused CSV import says how many rows need fixing (no red half-full bar), offers to try
again with the same column choices, and columns named the way other CRMs export them are
matched to our fields."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.crm import queries
from tandem.crm.import_headers import guess_mapping
from tandem.crm.models import ImportJob, Record


@pytest.fixture
def admin(client, person):
    client.force_login(person("admin@acme.test"))
    return client


def _upload(client, text: str, module="Contacts", **extra):
    file = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = client.post(f"/crm/acme/m/{module}/import/", {"file": file, **extra})
    assert response.status_code == 302, response.content
    return ImportJob.objects.latest("id")


def _run(client, job, capture, mapping):
    data = {f"col-{i}": mapping.get(c, "") for i, c in enumerate(job.columns)}
    with capture(execute=True):
        client.post(f"/crm/acme/m/{job.module.api_name}/import/{job.pk}/", data)
    job.refresh_from_db()
    return job


BAD = "Surname,Mail,Notes\nGood,good@example.com,x\n,missing@example.com,y\nBad,nope,z\n"
FIXED = (
    "Surname,Mail,Notes\nGood,good@example.com,x\nNow,fixed@example.com,y\nBad,ok@example.com,z\n"
)


def test_a_refused_file_says_nothing_was_imported_and_how_many_rows_need_fixing(
    admin, django_capture_on_commit_callbacks, immediate_tasks
):
    job = _upload(admin, BAD)
    job = _run(
        admin, job, django_capture_on_commit_callbacks, {"Surname": "Last_Name", "Mail": "Email"}
    )
    assert job.state == "rejected"
    page = admin.get(f"/crm/acme/m/Contacts/import/{job.pk}/").content.decode()
    assert "Nothing imported: 2 rows need fixing." in page
    assert "progress-bar" not in page and "50%" not in page
    assert 'id="import-again"' in page and "Try again" in page


def test_trying_again_keeps_the_column_choices_and_imports_the_fixed_file(
    admin, acme, django_capture_on_commit_callbacks, immediate_tasks
):
    chosen = {"Surname": "Last_Name", "Mail": "Email", "Notes": ""}
    refused = _run(admin, _upload(admin, BAD), django_capture_on_commit_callbacks, chosen)
    again = _upload(admin, FIXED, again=refused.pk)
    assert again.mapping == chosen
    form = admin.get(f"/crm/acme/m/Contacts/import/{again.pk}/").content.decode()
    assert (
        '<option value="Last_Name" selected>' in form and '<option value="Email" selected>' in form
    )
    done = _run(admin, again, django_capture_on_commit_callbacks, again.mapping)
    assert done.state == "done" and done.created == 3
    assert Record.objects.filter(org=acme, data__Email="fixed@example.com").exists()
    page = admin.get(f"/crm/acme/m/Contacts/import/{done.pk}/").content.decode()
    assert "3 records imported." in page and 'id="import-again"' not in page


def test_someone_elses_import_lends_no_choices(
    admin, client, person, django_capture_on_commit_callbacks, immediate_tasks
):
    chosen = {"Surname": "Last_Name", "Mail": "Email", "Notes": ""}
    refused = _run(admin, _upload(admin, BAD), django_capture_on_commit_callbacks, chosen)
    client.force_login(person("agent@acme.test"))
    acme_standard = refused.org.profiles.get(name="Standard")
    acme_standard.features = ["import_export"]
    acme_standard.save(update_fields=["features"])
    file = SimpleUploadedFile("people.csv", FIXED.encode(), content_type="text/csv")
    response = client.post("/crm/acme/m/Contacts/import/", {"file": file, "again": refused.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("module", "header", "expected"),
    [
        ("Contacts", "Account", "Account_Name"),
        ("Contacts", "Company", "Account_Name"),
        ("Contacts", "E-mail", "Email"),
        ("Contacts", "Email Address", "Email"),
        ("Contacts", "Mobile Phone", "Mobile"),
        ("Contacts", "Job Title", "Title"),
        ("Contacts", "Given Name", "First_Name"),
        ("Contacts", "Name", ""),
        ("Leads", "Company", "Company"),
        ("Accounts", "Company Name", "Account_Name"),
        ("Accounts", "Name", "Account_Name"),
        ("Deals", "Opportunity Name", "Deal_Name"),
        ("Deals", "Close Date", "Closing_Date"),
        ("Deals", "Contact", "Contact_Name"),
        ("Products", "SKU", "Product_Code"),
        ("Products", "Deal Owner", "Owner"),
    ],
)
def test_headers_of_other_crms_exports_are_matched(module, header, expected, acme):
    fields = queries.fields_of(queries.module_for(acme, module))
    assert guess_mapping([header], fields) == {header: expected}


def test_our_own_field_names_win_and_one_column_goes_to_one_field(acme):
    fields = queries.fields_of(queries.module_for(acme, "Contacts"))
    columns = ["Company", "Account Name", "Email Address", "Email"]
    assert guess_mapping(columns, fields) == {
        "Company": "",
        "Account Name": "Account_Name",
        "Email Address": "",
        "Email": "Email",
    }


def test_an_uploaded_export_of_another_crm_is_mapped_on_arrival(admin):
    job = _upload(admin, "First Name,Last Name,E-mail,Account,Mobile Phone\nA,B,a@b.c,Globex,1\n")
    assert job.mapping == {
        "First Name": "First_Name",
        "Last Name": "Last_Name",
        "E-mail": "Email",
        "Account": "Account_Name",
        "Mobile Phone": "Mobile",
    }
