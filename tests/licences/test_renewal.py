"""延续 under 《行政许可法》第五十条: the filing window (第一款, with an item's 另有规定) and deemed renewal (第二款),
through the services and the pages. Dates are computed from the pinned clock."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.case_fixtures import PDF, decide, food_form, uploads_for
from tests.form_fixtures import answers
from yiwang.accounts.models import User
from yiwang.cases import services as cases
from yiwang.cases.models import Case
from yiwang.catalog.models import LicenceType
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.core.models import AuditEntry, Event, Notification
from yiwang.licences import renewal
from yiwang.licences.models import Licence, Renewal, RenewalRule
from yiwang.licences.services import licence_import, licence_renewal_remind
from yiwang.org.models import Department, ServiceCenter
from yiwang.workflow.models import Task

TERM_YEARS = 5


def today() -> dt.date:
    return timezone.localdate()


def _food_licence(restaurant, *, expires_on: dt.date, number: str = "440105-2021-SPJY-000900") -> Licence:
    """The restaurant's 食品经营许可证, issued before the platform (存量), five years long, ending on `expires_on`."""
    return licence_import(
        actor=None,
        licence_type=LicenceType.objects.get(code="FOOD_BIZ"),
        department=Department.objects.get(region__code="440105", kind="SAMR"),
        number=number,
        issued_on=expires_on.replace(year=expires_on.year - TERM_YEARS) + dt.timedelta(days=1),
        valid_until=expires_on,
        entity=restaurant,
    )


def _file(licence, agent, restaurant, food_permit) -> Case:
    return renewal.renewal_submit(
        actor=agent,
        licence=licence,
        implementation=food_permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(food_permit),
    )


# --- 第一款: the filing window ---------------------------------------------------------------------------------


def test_renewal_is_filed_up_to_thirty_calendar_days_before_expiry(monday, enterprise_agent, restaurant, food_permit):
    """「《行政许可法》第五十条第一款第一句：被许可人需要延续依法取得的行政许可的有效期的，应当在该行政许可有效期
    届满三十日前向作出行政许可决定的行政机关提出申请。」 三十日 counts calendar days, weekends included: filed on
    the thirtieth day before expiry it is in time."""
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=30))
    window = renewal.renewal_window(licence)
    assert window.state == "open" and window.deadline == today()
    case = _file(licence, enterprise_agent, restaurant, food_permit)
    filed = Renewal.objects.get(case=case)
    assert filed.licence == licence and filed.expires_on == licence.valid_until and filed.filed_on == today()
    assert AuditEntry.objects.filter(action="licence.renewal_file", target_id=str(filed.pk)).exists()
    assert Event.objects.filter(type="licence.renewal_filed", payload__case=case.number).exists()
    assert renewal.renewal_window(licence).state == "filed"


def test_renewal_after_the_thirtieth_day_before_expiry_is_refused_with_what_to_do(
    monday, enterprise_agent, restaurant, food_permit
):
    """「《行政许可法》第五十条第一款第一句：……应当在该行政许可有效期届满三十日前……提出申请。」 Twenty-nine days
    before expiry is too late: refused, nothing filed, and the holder is told to apply anew."""
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=29))
    with pytest.raises(ValidationFailed) as refused:
        _file(licence, enterprise_agent, restaurant, food_permit)
    assert "已超过延续申请期限" in refused.value.message
    assert "请重新申请办理该许可" in refused.value.message
    assert not Renewal.objects.exists()
    assert not Case.objects.filter(applicant_entity=restaurant, item=food_permit.item).exists()


def test_another_provision_sets_the_items_own_period(monday, enterprise_agent, restaurant, food_permit):
    """「《行政许可法》第五十条第一款第二句：但是，法律、法规、规章另有规定的，依照其规定。」 An item's rule (here:
    届满前 90 至 15 个工作日, as 《食品经营许可和备案管理办法》第二十九条 reads) replaces the thirty days:
    twenty-five calendar days before expiry, too late under the article's thirty days, is in time; one hundred
    and fifty is too early."""
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=25))
    assert renewal.renewal_window(licence).state == "closed"
    RenewalRule.objects.create(
        item=food_permit.item,
        deadline_days=15,
        opens_days=90,
        unit=RenewalRule.Unit.WORKING,
        basis="《食品经营许可和备案管理办法》第二十九条",
    )
    window = renewal.renewal_window(licence)
    assert window.state == "open" and window.deadline == dt.date(2026, 11, 29)  # 15 working days before 12-18
    assert _file(licence, enterprise_agent, restaurant, food_permit).renewal.licence == licence
    early = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=150), number="440105-2021-SPJY-000901")
    assert renewal.renewal_window(early).state == "early"
    with pytest.raises(ValidationFailed, match="起受理"):
        _file(early, enterprise_agent, restaurant, food_permit)


def test_an_items_rule_needs_its_provision(db, food_permit):
    rule = RenewalRule(item=food_permit.item, deadline_days=15, opens_days=10, basis=" ")
    with pytest.raises(ValidationFailed) as refused:
        renewal.renewal_rule_save(actor=None, rule=rule)
    assert set(refused.value.fields) == {"basis", "opens_days"}
    assert not RenewalRule.objects.exists()


def test_the_expiry_reminder_points_to_the_renewal_window(monday, restaurant, enterprise_agent):
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=40))
    assert licence_renewal_remind() == 1
    note = Notification.objects.filter(user=enterprise_agent).latest("pk")
    deadline = licence.valid_until - dt.timedelta(days=30)
    assert f"请在 {deadline} 前" in note.body
    assert note.url == f"/licences/{licence.number}/renew/"


# --- 第二款: deemed renewal -----------------------------------------------------------------------------------


@pytest.fixture
def filed(monday, enterprise_agent, restaurant, food_permit, clerk):
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=35))
    case = _file(licence, enterprise_agent, restaurant, food_permit)
    cases.case_accept(actor=clerk, case=case)
    return Renewal.objects.get(case=case)


def test_a_renewal_undecided_at_expiry_is_deemed_granted(filed, enterprise_agent):
    """「《行政许可法》第五十条第二款：行政机关应当根据被许可人的申请，在该行政许可有效期届满前作出是否准予延续的
    决定；逾期未作决定的，视为准予延续。」 On the expiry day itself the organ may still decide; the day after, the
    sweep issues the renewed licence for the same term, from the day after expiry."""
    expires = filed.expires_on
    assert renewal.renewal_deemed_sweep(today=expires) == 0
    assert renewal.renewal_deemed_sweep(today=expires + dt.timedelta(days=1)) == 1
    filed.refresh_from_db()
    renewed = filed.renewed_licence
    assert filed.deemed_on == expires + dt.timedelta(days=1)
    assert renewed.issued_on == expires + dt.timedelta(days=1)
    assert renewed.valid_until == expires.replace(year=expires.year + TERM_YEARS)
    assert renewed.case == filed.case and renewed.holder_entity == filed.licence.holder_entity
    assert renewed.data["renewal_of"] == filed.licence.number
    assert AuditEntry.objects.filter(action="licence.renewal_deemed", target_id=str(filed.pk)).exists()
    assert Event.objects.filter(type="licence.renewal_deemed", payload__renewed=renewed.number).exists()
    assert Notification.objects.filter(user=enterprise_agent, title__contains="视为准予延续").exists()
    # Run again (a second worker, the next minute): nothing more.
    assert renewal.renewal_deemed_sweep(today=expires + dt.timedelta(days=2)) == 0
    assert Licence.objects.filter(case=filed.case).count() == 1


def test_a_renewal_decided_before_expiry_is_not_deemed(filed):
    """「《行政许可法》第五十条第二款：……在该行政许可有效期届满前作出是否准予延续的决定……」 A decision in time
    stands: a denial is not turned into a renewal."""
    Case.objects.filter(pk=filed.case_id).update(status=Case.Status.DENIED)
    assert renewal.renewal_deemed_sweep(today=filed.expires_on + dt.timedelta(days=1)) == 0
    assert not Licence.objects.filter(case=filed.case).exists()


def test_a_renewal_waiting_for_the_applicants_correction_is_not_deemed(filed, clerk):
    """「《行政许可法》第五十条第二款：行政机关……逾期未作决定的，视为准予延续。」 What the organ owes; a case that
    waits for the applicant's own correction is not the organ's delay."""
    Case.objects.filter(pk=filed.case_id).update(status=Case.Status.CORRECTION_REQUESTED)
    assert renewal.renewal_deemed_sweep(today=filed.expires_on + dt.timedelta(days=1)) == 0


def test_a_deemed_renewal_cannot_then_be_denied(filed):
    """「《行政许可法》第五十条第二款：……逾期未作决定的，视为准予延续。」 Once the law has granted the renewal, a denial
    the organ writes afterwards would take it back; the case refuses it."""
    case = filed.case
    while tasks := list(case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION)):
        for task in tasks:
            reviewer = User.objects.get(username=f"hz-{task.department.kind.lower()}-reviewer")
            outcome = "answer" if task.role == Task.Role.CONSULTED else "agree"
            cases.task_complete(actor=reviewer, task=task, outcome=outcome, opinion="同意")
    assert renewal.renewal_deemed_sweep(today=filed.expires_on + dt.timedelta(days=1)) == 1
    with pytest.raises(InvalidTransition, match="第五十条第二款"):
        decide(case, grant=False, reasons="经营场所不符合要求")
    case.refresh_from_db()
    assert case.granted is None


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_wallet_offers_renewal_inside_the_window_only(monday, client, enterprise_agent, restaurant):
    inside = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=40))
    later = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=400), number="440105-2021-SPJY-000902")
    late = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=10), number="440105-2021-SPJY-000903")
    client.force_login(enterprise_agent)
    html = client.get("/licences/").content.decode()
    assert f'href="/licences/{inside.number}/renew/"' in html
    assert f'href="/licences/{later.number}/renew/"' not in html
    row = html.split(f'data-number="{late.number}"')[1].split("</tr>")[0]
    assert "已过延续申请期限" in row and "申请延续<" not in row
    page = client.get(f"/licences/{late.number}/renew/").content.decode()
    assert "已超过延续申请期限" in page and "重新申请许可" in page and 'id="renewal-apply"' not in page
    page = client.get(f"/licences/{inside.number}/renew/").content.decode()
    assert f"/apply/R005-440105/?renewal={inside.number}" in page


def test_the_wallet_reads_a_fixed_number_of_queries_however_many_licences(
    monday, client, enterprise_agent, restaurant, django_assert_max_num_queries
):
    """Each row's status, seal check and renewal window come from queries made once for the whole wallet."""
    for n in range(12):
        _food_licence(
            restaurant, expires_on=today() + dt.timedelta(days=20 + 10 * n), number=f"440105-2021-SPJY-{n:06d}"
        )
    client.force_login(enterprise_agent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("licences:wallet"))
    assert response.content.decode().count("data-number=") >= 12


def test_renewal_page_of_anothers_licence_is_not_found(monday, client, citizen, restaurant):
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=40))
    client.force_login(citizen)
    assert client.get(f"/licences/{licence.number}/renew/").status_code == 404
    assert client.get(f"/apply/R005-440105/?renewal={licence.number}").status_code == 404


def _post_renewal(client, implementation, restaurant, licence):
    data = {
        **answers(),
        "case-applicant": f"entity-{restaurant.pk}",
        "delivery-method": Case.Delivery.WINDOW,
        "delivery-center": ServiceCenter.objects.get(name="海珠区政务服务中心").pk,
        "case-token": "renew-1",
        "renewal": licence.number,
        **{
            f"material_{spec.pk}": SimpleUploadedFile(f"{spec.name}.pdf", PDF + spec.name.encode(), "application/pdf")
            for spec in implementation.item.current_version.materials.all()
            if spec.source == "applicant"
        },
    }
    return client.post(f"/apply/R005-440105/?renewal={licence.number}", data)


def test_renewal_through_the_application_page_and_the_reviewers_page(
    monday, client, enterprise_agent, restaurant, food_schema_installed, samr_reviewer, clerk
):
    """「《行政许可法》第五十条第一款第一句」 from the wallet to a filed renewal, and the reviewer sees it is one."""
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=40))
    client.force_login(enterprise_agent)
    page = client.get(f"/apply/R005-440105/?renewal={licence.number}&applicant=entity-{restaurant.pk}")
    assert 'id="renewal-notice"' in page.content.decode()
    response = _post_renewal(client, food_schema_installed, restaurant, licence)
    assert response.status_code == 302, response.content.decode()[:2000]
    filed = Renewal.objects.get(licence=licence)
    assert "本件为食品经营许可证" in client.get(f"/cases/{filed.case.number}/").content.decode()
    cases.case_accept(actor=clerk, case=filed.case)
    client.force_login(samr_reviewer)
    html = client.get(f"/workbench/cases/{filed.case.number}/").content.decode()
    assert 'id="case-renewal"' in html and "逾期未作决定的，视为准予延续" in html
    renewal.renewal_deemed_sweep(today=licence.valid_until + dt.timedelta(days=1))
    html = client.get(f"/workbench/cases/{filed.case.number}/").content.decode()
    assert 'id="case-renewal-deemed"' in html
    client.force_login(enterprise_agent)
    wallet = client.get("/licences/").content.decode()
    assert f"视为准予延续（原证照 {licence.number}" in wallet
    old_row = wallet.split(f'data-number="{licence.number}"')[1].split("</tr>")[0]
    assert "视为准予延续，延续后证照" in old_row and "已过延续申请期限" not in old_row


def test_a_late_renewal_through_the_application_page_goes_to_the_explanation(
    monday, client, enterprise_agent, restaurant, food_schema_installed
):
    licence = _food_licence(restaurant, expires_on=today() + dt.timedelta(days=29))
    client.force_login(enterprise_agent)
    response = _post_renewal(client, food_schema_installed, restaurant, licence)
    assert response.status_code == 302 and response["Location"] == f"/licences/{licence.number}/renew/"
    assert not Case.objects.filter(applicant_entity=restaurant, item=food_schema_installed.item).exists()
