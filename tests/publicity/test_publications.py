"""双公示: a licence or penalty decision is published at once, within the 7 working days the State Council set,
with a natural person masked; what the consumers missed the daily sweep publishes, marked late when it is."""

import datetime as dt

import pytest
import time_machine

from tests.case_fixtures import MONDAY
from yiwang.accounts.identifiers import mask_person_name
from yiwang.core.audit import audit_verify
from yiwang.core.models import Event
from yiwang.licences.models import Licence
from yiwang.licences.services import licence_revoke
from yiwang.org.models import Department
from yiwang.publicity.models import Publication
from yiwang.publicity.selectors import PublicationFilter, publication_search
from yiwang.publicity.services import (
    publication_publish_licence,
    publication_publish_penalty,
    publication_sweep,
    publish_due,
)

D = dt.date


def test_a_natural_persons_name_is_masked_to_family_name_and_last_character():
    assert mask_person_name("张三") == "张*"
    assert mask_person_name("张小三") == "张*三"
    assert mask_person_name("欧阳小华") == "欧**华"
    assert mask_person_name(" 李 ") == "李"
    assert mask_person_name("") == ""


@pytest.mark.django_db
def test_seven_working_days_skip_national_day_and_count_its_make_up_saturday():
    """国办发〔2015〕51号 第（十八）项: 行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开. Decided on
    Wednesday 30 September 2026: 1–7 October are the holiday and Saturday 10 October a make-up working day, so the
    seventh working day is Thursday 15 October (the day of the decision not counted)."""
    haizhu = Department.objects.get(region__code="440105", kind="SAMR")
    assert publish_due(haizhu, D(2026, 9, 30)) == D(2026, 10, 15)
    # An ordinary week: decided on Friday 20 November, due on Tuesday 1 December.
    assert publish_due(haizhu, D(2026, 11, 20)) == D(2026, 12, 1)


def test_a_penalty_is_published_at_once_in_full_with_its_limit(fine, new_shop):
    penalty = fine()
    publication = Publication.objects.get(penalty=penalty)
    assert publication.kind == Publication.Kind.PENALTY
    assert (publication.holder_kind, publication.holder_name) == ("entity", new_shop.name)
    assert (publication.holder_code, publication.legal_representative) == (new_shop.uscc, "孙八")
    assert publication.decision_number == "海综执罚〔2026〕101号" and publication.title == "罚款"
    assert str(publication.amount) == "2000.00" and "人行道" in publication.content
    assert publication.decided_on == D(2026, 11, 20) and publication.publish_due == D(2026, 12, 1)
    assert publication.published_at == MONDAY and publication.late is False
    # An ordinary penalty is shown for at most a year (国家发展改革委《信用修复管理办法》: 一般失信信息最长公示期1年).
    assert publication.shown_until == D(2027, 11, 20)
    assert Event.objects.filter(type="publication.published", payload__publication_id=publication.pk).exists()
    ok, message = audit_verify()
    assert ok, message


def test_a_penalty_entered_after_its_seven_working_days_is_published_and_marked_late(fine):
    """Decided before National Day, entered on 23 November: published at once, but 39 days past its 15 October."""
    publication = Publication.objects.get(penalty=fine(decided_on=D(2026, 9, 30)))
    assert publication.publish_due == D(2026, 10, 15)
    assert publication.late is True


def test_a_serious_penalty_revoking_a_licence_is_shown_three_years_and_names_the_licence(fine, restaurant, food_case):
    licence = Licence.objects.get(case=food_case)
    publication = Publication.objects.get(penalty=fine(entity=restaurant, revoke_licence=licence))
    assert publication.title == "罚款、吊销许可证件"
    assert publication.licence == licence and publication.licence_number == licence.number
    assert publication.shown_until == D(2029, 11, 20)
    # Past its longest period a penalty is no longer shown; the licence decision has no end.
    later = publication_search(PublicationFilter(), today=D(2029, 11, 21))
    assert publication not in later and Publication.objects.get(case=food_case) in later


def test_a_persons_licence_decision_masks_the_name_and_identity_number(doctor_case, zhang_san):
    publication = Publication.objects.get(case=doctor_case)
    assert publication.kind == Publication.Kind.LICENCE and publication.item.code == "R012"
    assert (publication.holder_kind, publication.holder_name) == ("person", "张*")
    assert publication.holder_code == "4401**********1239"
    assert zhang_san.name not in publication.holder_name and zhang_san.id_number != publication.holder_code
    assert publication.legal_representative == "" and publication.licence is None
    assert publication.decision_number == doctor_case.number and publication.title == "医师执业注册"
    assert publication.content == "执业类别：临床；执业范围：内科专业"
    assert publication.legal_basis == "《中华人民共和国医师法》第十三条"
    assert publication.decided_on == D(2026, 11, 23) and publication.late is False


def test_a_licence_decision_is_published_once_with_its_e_licence_whose_revocation_it_shows(
    food_case, restaurant, samr_reviewer
):
    licence = Licence.objects.get(case=food_case)
    publication = Publication.objects.get(case=food_case)
    assert publication.licence == licence and publication.licence_number == licence.number
    assert (publication.holder_name, publication.holder_code) == (restaurant.name, restaurant.uscc)
    # Both the grant and the licence's issue reached publicity's consumers: one publication.
    assert Publication.objects.filter(case=food_case).count() == 1
    assert publication_publish_licence(actor=None, case=food_case, licence=licence) == publication
    licence_revoke(actor=samr_reviewer, licence=licence, reason="以欺骗手段取得许可", basis="《行政许可法》第六十九条")
    publication.refresh_from_db()
    assert publication.licence.status == Licence.Status.REVOKED  # read live: the page shows the revocation


def test_the_daily_sweep_publishes_what_the_consumers_missed(
    monday, fine, enterprise_agent, restaurant, clerk, django_capture_on_commit_callbacks
):
    """Consumers that never ran (their enqueue lost, their retries spent): the sweep publishes the decisions, on
    time or marked late against each one's own 7 working days, once a day."""
    from .conftest import granted

    case = granted(
        "R005-440105",
        actor=enterprise_agent,
        clerk=clerk,
        entity=restaurant,
        capture=django_capture_on_commit_callbacks,
        execute=False,
    )
    on_time = fine(decided_on=D(2026, 11, 20), execute=False)  # due Tuesday 1 December
    late = fine(number="海综执罚〔2026〕102号", decided_on=D(2026, 11, 19), execute=False)  # due Monday 30 November
    assert not Publication.objects.exists()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        assert publication_sweep() == {"published": 3, "late": 1}
        assert publication_sweep() is None  # once a day
    assert Publication.objects.get(penalty=on_time).late is False
    assert Publication.objects.get(penalty=late).late is True
    grant = Publication.objects.get(case=case)
    assert grant.licence is None and grant.late is False  # the licence was never issued: published without it
    # The licence comes a day later: the next day's sweep attaches it, and publishes nothing new.
    from yiwang.licences.services import licence_issue

    licence = licence_issue(actor=None, case=case)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        assert publication_sweep() == {"published": 0, "late": 0}
    grant.refresh_from_db()
    assert grant.licence == licence and grant.licence_number == licence.number


def test_publishing_twice_returns_the_first(fine):
    penalty = fine()
    first = Publication.objects.get(penalty=penalty)
    assert publication_publish_penalty(actor=None, penalty=penalty) == first
    assert Publication.objects.count() == 1


def test_staff_of_another_department_cannot_publish_its_decisions(fine, health_reviewer):
    from yiwang.core.errors import NotFound

    penalty = fine(execute=False)
    with pytest.raises(NotFound):
        publication_publish_penalty(actor=health_reviewer, penalty=penalty)
    assert not Publication.objects.exists()


def test_a_refusal_and_a_decision_that_is_no_licence_are_not_published(
    monday, citizen, clerk, zhang_san, django_capture_on_commit_callbacks
):
    from .conftest import granted

    refused = granted(
        "R012-440105",
        actor=citizen,
        clerk=clerk,
        person=zhang_san,
        capture=django_capture_on_commit_callbacks,
        grant=False,
    )
    # R042 最低生活保障审核确认 is a 行政给付 and R013 出生医学证明签发 a 行政确认 with an e-licence: granted (the
    # certificate issued), but neither is a 行政许可 to publish.
    benefit = granted(
        "R042-440105", actor=citizen, clerk=clerk, person=zhang_san, capture=django_capture_on_commit_callbacks
    )
    birth = granted(
        "R013-440105", actor=citizen, clerk=clerk, person=zhang_san, capture=django_capture_on_commit_callbacks
    )
    assert refused.granted is False and benefit.granted is True and birth.licences.exists()
    assert publication_sweep() == {"published": 0, "late": 0}
    assert not Publication.objects.exists()
