"""Every admin list opens for the superuser, and rows that only services write offer no add button."""

import pytest

READ_ONLY = [
    "cases/case",
    "workflow/task",
    "core/event",
    "core/auditentry",
    "core/auditanchor",
    "ratings/rating",
    "ratings/rectification",
    "core/consumerfailure",
]
OTHERS = [
    "workflow/processdefinition",
    "accounts/apitoken",
    "org/region",
    "org/staffrole",
    "accounts/person",
    "core/workdayoverride",
]


@pytest.mark.parametrize("model", READ_ONLY + OTHERS)
def test_changelist_opens(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/").status_code == 200


@pytest.mark.parametrize("model", READ_ONLY)
def test_service_written_rows_cannot_be_added_by_hand(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/add/").status_code == 403


@pytest.mark.parametrize(
    ("page", "changelist", "intro"),
    [
        ("/admin/core/calendaryear/import/", "/admin/core/calendaryear/", 'class="holiday-format"'),
        ("/admin/hotline/category/excel/import/", "/admin/hotline/category/", "/admin/hotline/category/excel/export/"),
    ],
)
def test_the_import_pages_are_the_one_shared_page_with_their_own_words(client, superuser, page, changelist, intro):
    client.force_login(superuser)
    response = client.get(page)
    assert response.status_code == 200
    assert "admin/import_form.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert f'<a href="{changelist}">' in html and 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert intro in html
