"""上门代办: a 网格员 records a resident's consent and applies for them on the home channel — through the services and
through the pages; refused, with nothing written, without consent in force for the item in the worker's cells."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.case_fixtures import PDF, form_for, uploads_for
from yiwang.accounts.models import Person, User
from yiwang.cases.models import Case
from yiwang.cases.selectors import applicant_cases
from yiwang.catalog.models import ItemImplementation
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.core.storage import material_store, store_upload, upload_sweep
from yiwang.grid import selectors, services
from yiwang.grid.models import GridCell, GridWorker, HomeServiceConsent
from yiwang.org.models import Department, Region, StaffRole

pytestmark = pytest.mark.django_db

NANZHOU_CELL = "440105001001-001"
OTHER_STREET_CELL = "440105002001-001"  # 江南中街道
# A valid GB 11643 number the demo data does not hold: an 86-year-old resident of 南洲街道, born in Beijing, with
# no account.
RESIDENT_ID = "110105194003120026"
# 张三, the demo citizen, who lives in 南洲街道 and has an account.
CITIZEN_ID = "440105199001011239"


@pytest.fixture
def dibao(db):
    """最低生活保障审核确认 at 海珠区: a person's benefit, two materials to hand in, one drawn from shared data."""
    return ItemImplementation.objects.get(code="R042-440105")


@pytest.fixture
def marriage(db):
    return ItemImplementation.objects.get(code="R040-440105")


@pytest.fixture
def jiangnan_worker(db, catalog_admin):
    """A 网格员 of 江南中街道, walking one of its cells."""
    user = User.objects.create(username="jn-grid-worker", display_name="江南中街道网格员")
    StaffRole.objects.create(
        user=user,
        role="grid_worker",
        department=Department.objects.get(region__code="440105", kind="GOV_SERVICE"),
        region=Region.objects.get(code="440105002"),
    )
    services.grid_worker_assign(actor=catalog_admin, user=user, cell=GridCell.objects.get(code=OTHER_STREET_CELL))
    return user


def record(worker, **given):
    """An oral consent before a witness, for 最低生活保障 for thirty days, unless told otherwise."""
    options = {
        "cell_code": NANZHOU_CELL,
        "name": "陈阿婆",
        "id_number": RESIDENT_ID,
        "address": "广州市海珠区南洲路 1 号 3 楼",
        "reason": HomeServiceConsent.Reason.ELDERLY,
        "method": HomeServiceConsent.Method.ORAL,
        "witness_name": "陈小明（儿子）",
        "item_code": "R042",
        "expires_on": dt.date(2026, 12, 23),
        **given,
    }
    return services.home_consent_record(actor=worker, **options)


def apply(worker, consent, implementation, **given):
    return services.home_service_submit(
        actor=worker,
        consent=consent,
        implementation=implementation,
        form_data=form_for(implementation, person=consent.person),
        uploads=uploads_for(implementation),
        delivery_recipient=consent.person.name,
        delivery_phone="13800001111",
        delivery_address=consent.address,
        **given,
    )


def test_the_worker_applies_for_the_resident_who_owns_the_case(monday, grid_worker, citizen, dibao):
    consent = record(grid_worker, name="张三", id_number=CITIZEN_ID)
    assert consent.person == citizen.person and consent.cell.code == NANZHOU_CELL
    case = apply(grid_worker, consent, dibao)
    assert case.channel == Case.Channel.HOME and case.get_channel_display() == "上门代办"
    assert case.applicant_person == citizen.person and case.submitted_by == grid_worker
    assert case.delivery_method == Case.Delivery.POST and case.status == Case.Status.SUBMITTED
    assert list(consent.cases.all()) == [case]
    # The case is the resident's: it is in their own account's list; the worker sees it on their page.
    assert applicant_cases(citizen).filter(pk=case.pk).exists()
    assert selectors.home_service_cases(grid_worker) == [case]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"grid.home_consent_recorded", "case.submit", "grid.home_service_submitted"} <= actions


def test_a_signed_consent_keeps_the_scanned_form_and_a_visit_consent_ends_today(
    monday, grid_worker, django_capture_on_commit_callbacks
):
    scan = store_upload(actor=grid_worker, data=PDF + b"consent", field="consent_form", name="授权书.pdf")
    consent = record(
        grid_worker, method=HomeServiceConsent.Method.SIGNED, consent_form=scan, witness_name="", item_code=""
    )
    assert consent.form_key == scan.key and consent.form_name == "授权书.pdf" and consent.form_type == "application/pdf"
    assert consent.item is None and consent.expires_on == dt.date(2026, 11, 23)
    assert Person.objects.get(id_number=RESIDENT_ID).name == "陈阿婆"
    # The scan outlives the upload sweep, as a case material's does.
    monday.shift(dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        upload_sweep()
    assert material_store().read(scan.key).startswith(PDF)


def test_bad_consent_is_refused_field_by_field_and_writes_nothing(monday, grid_worker):
    with pytest.raises(ValidationFailed) as refused:
        record(
            grid_worker,
            cell_code=OTHER_STREET_CELL,
            id_number="110105194003120020",
            address=" ",
            reason="rich",
            witness_name="",
            item_code="NO-SUCH",
        )
    assert set(refused.value.fields) == {"cell", "id_number", "address", "reason", "witness_name", "item_code"}
    assert "校验位" in refused.value.fields["id_number"][0]
    with pytest.raises(ValidationFailed) as unsigned:
        record(grid_worker, method=HomeServiceConsent.Method.SIGNED, expires_on=dt.date(2027, 6, 1))
    assert set(unsigned.value.fields) == {"consent_form", "expires_on"}
    assert not HomeServiceConsent.objects.exists() and not Person.objects.filter(id_number=RESIDENT_ID).exists()


def test_a_position_outside_the_chosen_cell_is_refused(monday, grid_worker):
    inside = GridCell.objects.get(code=NANZHOU_CELL)
    elsewhere = GridCell.objects.get(code=OTHER_STREET_CELL)
    with pytest.raises(ValidationFailed) as refused:
        record(grid_worker, longitude=elsewhere.centroid_lon, latitude=elsewhere.centroid_lat)
    assert "不在所选网格内" in refused.value.fields["location"][0]
    consent = record(grid_worker, longitude=inside.centroid_lon, latitude=inside.centroid_lat)
    assert consent.cell == inside


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        ("expired", "过期"),
        ("revoked", "撤回"),
        ("other_item", "仅限「最低生活保障审核确认」"),
        ("released", "不负责"),
    ],
)
def test_without_consent_in_force_nothing_is_applied_for(
    monday, grid_worker, catalog_admin, dibao, marriage, spoil, says
):
    consent = record(grid_worker)
    implementation = dibao
    if spoil == "expired":
        monday.shift(dt.timedelta(days=31))
    elif spoil == "revoked":
        services.home_consent_revoke(actor=grid_worker, consent=consent, reason="家属将陪同到窗口办理")
    elif spoil == "other_item":
        implementation = marriage
    else:
        assignment = GridWorker.objects.get(user=grid_worker, cell=consent.cell)
        services.grid_worker_release(actor=catalog_admin, assignment=assignment)
    with pytest.raises(ValidationFailed) as refused:
        apply(grid_worker, consent, implementation)
    assert says in refused.value.fields["consent"][0]
    assert not Case.objects.exists() and not consent.cases.exists()


def test_another_streets_worker_can_neither_record_nor_use_a_consent(monday, grid_worker, jiangnan_worker, dibao):
    with pytest.raises(ValidationFailed) as refused:
        record(jiangnan_worker)
    assert "不在您负责的范围内" in refused.value.fields["cell"][0]
    consent = record(grid_worker)
    with pytest.raises(NotFound):
        apply(jiangnan_worker, consent, dibao)
    with pytest.raises(NotFound):
        selectors.home_consent(jiangnan_worker, consent.pk)
    assert not Case.objects.exists()


def test_only_a_grid_worker_applies_on_the_home_channel(monday, clerk, citizen, dibao):
    with pytest.raises(PermissionDenied):
        services.home_consent_record(
            actor=clerk, cell_code=NANZHOU_CELL, name="张三", id_number=CITIZEN_ID, address="x", reason="", method=""
        )
    # case_submit itself refuses the home channel to anyone without grid_work: the citizen, for themself, too.
    from yiwang.cases.services import case_submit

    with pytest.raises(PermissionDenied):
        case_submit(
            actor=clerk,
            implementation=dibao,
            person=citizen.person,
            form_data=form_for(dibao, person=citizen.person),
            channel=Case.Channel.HOME,
        )


# --- through the pages ------------------------------------------------------------------------------------------


def test_the_worker_records_consent_and_applies_in_the_browser(monday, client, grid_worker, citizen, dibao):
    client.force_login(grid_worker)
    mine = client.get(reverse("grid:mine")).content.decode()
    assert reverse("grid:home_service") in mine
    response = client.post(
        reverse("grid:consent_new"),
        {
            "cell": NANZHOU_CELL,
            "name": "张三",
            "id_number": CITIZEN_ID,
            "address": "广州市海珠区南洲路 8 号",
            "reason": "immobile",
            "method": "signed",
            "consent_form": _file("授权书.pdf"),
            "item_code": "R042",
            "expires_on": "2026-12-01",
        },
    )
    consent = HomeServiceConsent.objects.get()
    assert response.status_code == 302 and response.url == reverse("grid:consent", kwargs={"pk": consent.pk})
    page = client.get(response.url).content.decode()
    assert "4401**********1239" in page and CITIZEN_ID not in page
    apply_url = reverse("grid:home_apply", kwargs={"pk": consent.pk, "code": dibao.code})
    assert apply_url in page
    form = client.get(apply_url)
    assert form.status_code == 200 and CITIZEN_ID not in form.content.decode()
    specs = [s for s in dibao.item.current_version.materials.all() if s.source == "applicant"]
    posted = {
        **form_for(dibao, person=citizen.person),
        **{f"material_{s.pk}": _file(f"{s.name}.pdf") for s in specs},
        "delivery_method": "post",
        "delivery_recipient": "张三",
        "delivery_phone": "13800000001",
        "delivery_address": "广州市海珠区南洲路 8 号",
        "token": "home-1",
    }
    response = client.post(apply_url, posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == Case.Channel.HOME and case.submitted_by == grid_worker
    listed = client.get(reverse("grid:home_service")).content.decode()
    assert f'data-case="{case.number}"' in listed and "4401**********1239" in listed and CITIZEN_ID not in listed
    # The resident sees the case in their own account, with the 网格员 as 代办人.
    client.force_login(citizen)
    detail = client.get(reverse("cases:detail", kwargs={"number": case.number})).content.decode()
    assert "上门代办" in detail and 'id="case-agent"' in detail and "南洲街道网格员" in detail


def test_the_apply_page_refuses_without_consent_in_force_and_keeps_nothing(monday, client, grid_worker, citizen, dibao):
    consent = record(grid_worker, name="张三", id_number=CITIZEN_ID)
    services.home_consent_revoke(actor=grid_worker, consent=consent)
    client.force_login(grid_worker)
    apply_url = reverse("grid:home_apply", kwargs={"pk": consent.pk, "code": dibao.code})
    posted = {**form_for(dibao, person=citizen.person), "delivery_method": "online", "token": "t"}
    response = client.post(apply_url, posted)
    page = response.content.decode()
    assert response.status_code == 422 and "该居民已撤回代办授权" in page and CITIZEN_ID not in page
    assert not Case.objects.exists()
    missing = reverse("grid:home_apply", kwargs={"pk": consent.pk + 1, "code": dibao.code})
    assert client.get(missing).status_code == 404


def test_a_bad_consent_form_comes_back_with_its_errors(monday, client, grid_worker):
    client.force_login(grid_worker)
    response = client.post(
        reverse("grid:consent_new"),
        {"cell": OTHER_STREET_CELL, "name": "陈阿婆", "id_number": RESIDENT_ID, "method": "oral", "reason": "elderly"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "该网格不在您负责的范围内" in page and "口头同意须有见证人" in page and "请填写居民的居住地址" in page
    assert not HomeServiceConsent.objects.exists()


def test_another_streets_worker_gets_404_on_the_consent_pages(monday, client, grid_worker, jiangnan_worker, dibao):
    consent = record(grid_worker)
    client.force_login(jiangnan_worker)
    assert client.get(reverse("grid:consent", kwargs={"pk": consent.pk})).status_code == 404
    apply_url = reverse("grid:home_apply", kwargs={"pk": consent.pk, "code": dibao.code})
    assert client.get(apply_url).status_code == 404
    assert client.post(reverse("grid:consent_revoke", kwargs={"pk": consent.pk})).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_the_worker_page_reads_a_fixed_number_of_queries(
    monday, client, grid_worker, citizen, dibao, django_assert_max_num_queries
):
    for number, name in ((RESIDENT_ID, "陈阿婆"), (CITIZEN_ID, "张三"), ("110105194507080048", "李阿公")):
        apply(grid_worker, record(grid_worker, id_number=number, name=name), dibao)
    client.force_login(grid_worker)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("grid:home_service")).content.decode()
    assert page.count("data-consent=") == 3 and page.count("data-case=") == 3


def _file(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf")
