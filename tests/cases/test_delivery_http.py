"""Delivery through HTTP: the delivery choice on the apply page, its edit on the case page, 待送达 and the tracking
number, the decision document."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.case_fixtures import PDF, food_form
from tests.cases.test_delivery import POST, decide, submit
from yiwang.cases.models import Case
from yiwang.core.models import Notification
from yiwang.org.models import ServiceCenter

APPLY = "/apply/R005-440105/"


def _files(implementation):
    return {
        f"material_{spec.pk}": SimpleUploadedFile(f"{spec.name}.pdf", PDF + spec.name.encode(), "application/pdf")
        for spec in implementation.item.current_version.materials.all()
        if spec.source == "applicant"
    }


@pytest.fixture
def agent_client(client, enterprise_agent):
    client.force_login(enterprise_agent)
    return client


def test_apply_with_a_postal_address_errors_together_and_nothing_typed_lost(
    monday, agent_client, food_permit, restaurant
):
    page = agent_client.get(APPLY).content.decode()
    for name in ("delivery-method", "delivery-recipient", "delivery-phone", "delivery-address", "delivery-center"):
        assert f'name="{name}"' in page
    assert "海珠区政务服务中心" in page and "天河区政务服务中心" not in page

    form = {**food_form(restaurant), "food_safety_manager": ""}
    data = {
        **form,
        "case-applicant": f"entity-{restaurant.pk}",
        "case-token": "t-post",
        "delivery-method": "post",
        "delivery-recipient": "赵六",
        "delivery-phone": "12",
        "delivery-address": "",
    }
    refused = agent_client.post(APPLY, {**data, **_files(food_permit)})
    page = refused.content.decode()
    assert refused.status_code == 422 and not Case.objects.exists()
    # The schema field's error and both delivery errors come in the same round.
    assert 'id="food_safety_manager-errors"' in page
    assert 'id="delivery-phone-errors"' in page and 'id="delivery-address-errors"' in page
    assert 'value="赵六"' in page and 'value="12"' in page
    assert re.search(r'value="post"[^>]*checked', page)

    data.update(
        {**food_form(restaurant), "delivery-phone": "13800000004", "delivery-address": POST["delivery_address"]}
    )
    done = agent_client.post(APPLY, {**data, **_files(food_permit)})
    assert done.status_code == 302
    case = Case.objects.get()
    assert (case.delivery_method, case.delivery_phone, case.delivery_address) == (
        "post",
        "13800000004",
        POST["delivery_address"],
    )


def test_the_applicant_changes_delivery_on_the_case_page(
    monday, agent_client, enterprise_agent, restaurant, food_permit
):
    case = submit(enterprise_agent, restaurant, food_permit)
    url = reverse("cases:detail", args=[case.number])
    assert 'id="delivery-form"' in agent_client.get(url).content.decode()
    hall = ServiceCenter.objects.get(name="海珠区政务服务中心")
    bad = agent_client.post(reverse("cases:delivery", args=[case.number]), {"delivery-method": "window"})
    assert bad.status_code == 422 and 'id="delivery-center-errors"' in bad.content.decode()
    ok = agent_client.post(
        reverse("cases:delivery", args=[case.number]), {"delivery-method": "window", "delivery-center": hall.pk}
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.pickup_center == hall
    assert "海珠区政务服务中心" in agent_client.get(url).content.decode()


def test_deliveries_page_lists_what_to_hand_over_and_takes_the_tracking_number(
    monday,
    client,
    enterprise_agent,
    restaurant,
    food_permit,
    clerk,
    samr_reviewer,
    urban_reviewer,
    django_assert_max_num_queries,
):
    posted = [
        decide(submit(enterprise_agent, restaurant, food_permit, method="post", key=f"p-{i}", **POST), clerk=clerk)
        for i in range(3)
    ]
    submit(enterprise_agent, restaurant, food_permit, key="open")  # not decided: not listed
    client.force_login(samr_reviewer)
    url = reverse("workbench:deliveries")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert [c.number for c in response.context["cases"]] == [c.number for c in posted]
    assert str(posted[0].delivery_due) in page and "第四十四条" in page and "13800000004" in page

    client.force_login(urban_reviewer)  # an assisting department hands nothing over
    assert list(client.get(url).context["cases"]) == []
    assert (
        client.post(reverse("workbench:delivery_post", args=[posted[0].number]), {"tracking_number": "SF1"}).status_code
        == 404
    )

    client.force_login(samr_reviewer)
    target = reverse("workbench:delivery_post", args=[posted[0].number])
    empty = client.post(target, {"tracking_number": ""})
    assert empty.status_code == 422 and "邮件单号" in empty.content.decode()
    done = client.post(target, {"tracking_number": "SF1234567890"})
    assert done.status_code == 302 and done["Location"] == url
    case = Case.objects.get(pk=posted[0].pk)
    assert case.status == Case.Status.DELIVERED and case.tracking_number == "SF1234567890"
    assert Notification.objects.filter(user=enterprise_agent, body__contains="SF1234567890").exists()
    assert [c.number for c in client.get(url).context["cases"]] == [c.number for c in posted[1:]]

    client.force_login(enterprise_agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="tracking-number">SF1234567890' in page and 'id="delivery-form"' not in page
    assert 'id="rating-form"' in page  # delivered: the applicant may rate


def test_a_citizen_cannot_open_deliveries(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("workbench:deliveries")).status_code == 403


def test_the_decision_document_is_a_pdf_with_its_font_embedded(
    monday, agent_client, enterprise_agent, restaurant, food_permit, clerk, citizen, client
):
    case = decide(submit(enterprise_agent, restaurant, food_permit), clerk=clerk, grant=False)
    page = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="decision-document"' in page and "不予行政许可决定书" in page
    response = agent_client.get(reverse("cases:decision_pdf", args=[case.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and b"/FontFile2" in body  # the TrueType outlines travel with the file
    client.force_login(citizen)
    assert client.get(reverse("cases:decision_pdf", args=[case.number])).status_code == 404
