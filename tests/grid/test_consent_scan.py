"""A signed consent's scan: linked from the consent's page, downloaded (never shown inline) by the 网格员 whose
grid_work reaches the resident's cell, the same 404 as a missing consent for everyone else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.case_fixtures import PDF
from yiwang.accounts.models import User
from yiwang.core.errors import NotFound
from yiwang.core.storage import material_store, store_upload
from yiwang.grid import selectors, services
from yiwang.grid.models import GridCell, HomeServiceConsent
from yiwang.org.models import Department, Region, StaffRole

pytestmark = pytest.mark.django_db

NANZHOU_CELL = "440105001001-001"
SCAN = PDF + "陈阿婆的签字授权书".encode()


@pytest.fixture
def media(settings, tmp_path):
    """A material store of the test's own, so a file missing from it can be staged."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _grid_worker(username: str, street: str, cell: str, assigned_by) -> User:
    user = User.objects.create(username=username, display_name=username)
    StaffRole.objects.create(
        user=user,
        role="grid_worker",
        department=Department.objects.get(region__code="440105", kind="GOV_SERVICE"),
        region=Region.objects.get(code=street),
    )
    services.grid_worker_assign(actor=assigned_by, user=user, cell=GridCell.objects.get(code=cell))
    return user


@pytest.fixture
def nanzhou_colleague(catalog_admin):
    """Another 网格员 of 南洲街道, walking another of its cells: grid_work reaches the resident's cell too."""
    return _grid_worker("nz-grid-worker-2", "440105001", "440105001001-002", catalog_admin)


@pytest.fixture
def jiangnan_worker(catalog_admin):
    """A 网格员 of 江南中街道: grid_work, but not over 南洲街道."""
    return _grid_worker("jn-grid-worker", "440105002", "440105002001-001", catalog_admin)


def _consent(worker, **given) -> HomeServiceConsent:
    options = {
        "cell_code": NANZHOU_CELL,
        "name": "陈阿婆",
        "id_number": "110105194003120026",
        "address": "广州市海珠区南洲路 1 号 3 楼",
        "reason": HomeServiceConsent.Reason.ELDERLY,
        "method": HomeServiceConsent.Method.SIGNED,
        "consent_form": store_upload(actor=worker, data=SCAN, field="consent_form", name="授权书.pdf"),
        **given,
    }
    return services.home_consent_record(actor=worker, **options)


@pytest.fixture
def signed(monday, media, grid_worker):
    return _consent(grid_worker)


def _url(consent) -> str:
    return reverse("grid:consent_scan", kwargs={"pk": consent.pk})


# --- through the selector ---------------------------------------------------------------------------------------


def test_the_scan_is_found_for_the_worker_who_recorded_it_and_the_streets_other_workers(
    signed, grid_worker, nanzhou_colleague
):
    assert selectors.home_consent_scan(grid_worker, signed.pk) == signed
    assert selectors.home_consent_scan(nanzhou_colleague, signed.pk) == signed


@pytest.mark.parametrize("who", ["jiangnan_worker", "operator", "supervisor", "clerk", "catalog_admin"])
def test_the_scan_is_not_found_for_staff_whose_grid_work_does_not_reach_the_cell(request, signed, who):
    with pytest.raises(NotFound):
        selectors.home_consent_scan(request.getfixturevalue(who), signed.pk)


def test_an_oral_consent_has_no_scan_to_find(monday, grid_worker):
    oral = _consent(grid_worker, method=HomeServiceConsent.Method.ORAL, consent_form=None, witness_name="陈小明")
    with pytest.raises(NotFound):
        selectors.home_consent_scan(grid_worker, oral.pk)


# --- through the pages ------------------------------------------------------------------------------------------


def test_the_consent_page_links_the_scan_and_the_link_downloads_it(client, signed, grid_worker):
    client.force_login(grid_worker)
    page = client.get(reverse("grid:consent", kwargs={"pk": signed.pk})).content.decode()
    assert f'href="{_url(signed)}" id="consent-scan">授权书.pdf</a>' in page
    download = client.get(_url(signed))
    assert download.status_code == 200 and download.content == SCAN
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''%E6%8E%88%E6%9D%83%E4%B9%A6.pdf"
    assert download["Cache-Control"] == "private, no-store"


def test_an_oral_consents_page_has_no_scan_link(monday, client, grid_worker):
    oral = _consent(grid_worker, method=HomeServiceConsent.Method.ORAL, consent_form=None, witness_name="陈小明")
    client.force_login(grid_worker)
    page = client.get(reverse("grid:consent", kwargs={"pk": oral.pk})).content.decode()
    assert 'id="consent-scan"' not in page and "陈小明" in page
    assert client.get(_url(oral)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("grid_worker", 200),
        ("nanzhou_colleague", 200),
        ("superuser", 200),
        ("jiangnan_worker", 404),
        ("operator", 404),
        ("supervisor", 404),
        ("clerk", 404),
        ("citizen", 403),  # not staff: turned away before anything is looked up
    ],
)
def test_the_scan_downloads_where_grid_work_reaches_the_cell_and_is_404_elsewhere(request, client, signed, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(signed)).status_code == status
    missing = reverse("grid:consent_scan", kwargs={"pk": signed.pk + 99})
    assert client.get(missing).status_code == (403 if status == 403 else 404)


def test_a_scan_missing_from_the_store_is_404_not_an_error(client, signed, grid_worker, media):
    (media / "materials" / signed.form_key[:2] / signed.form_key).unlink()
    client.force_login(grid_worker)
    assert client.get(_url(signed)).status_code == 404


def test_the_consent_form_posted_in_the_browser_downloads_as_it_was_scanned(monday, media, client, grid_worker):
    client.force_login(grid_worker)
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    response = client.post(
        reverse("grid:consent_new"),
        {
            "cell": NANZHOU_CELL,
            "name": "陈阿婆",
            "id_number": "110105194003120026",
            "address": "广州市海珠区南洲路 1 号 3 楼",
            "reason": "disabled",
            "method": "signed",
            "consent_form": SimpleUploadedFile("签字.jpg", photo, content_type="application/pdf"),
            "item_code": "R042",
            "expires_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    download = client.get(_url(HomeServiceConsent.objects.get()))
    # The type is the content's, not what the browser claimed.
    assert download.content == photo and download["Content-Type"] == "image/jpeg"
    assert material_store().read(HomeServiceConsent.objects.get().form_key) == photo
