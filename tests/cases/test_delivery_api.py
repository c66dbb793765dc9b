"""Delivery through the JSON API: the delivery fields at submission, their edit, the tracking number."""

from tests.cases.test_api_cases import bearer, post, submission, submission_body
from tests.cases.test_delivery import decide
from yiwang.cases.models import Case

POSTAL = {"delivery_method": "post", "delivery_recipient": "赵六", "delivery_phone": "13800000004"}


def test_post_submitted_edited_and_delivered_over_the_api(
    monday, client, enterprise_agent, restaurant, food_permit, clerk, samr_reviewer
):
    agent, samr = bearer(enterprise_agent), bearer(samr_reviewer)
    body = {**submission_body(client, agent, food_permit, restaurant), **POSTAL}
    refused = post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "api-post"}, body)
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {"delivery_address"}
    assert not Case.objects.exists()
    first = submission(client, agent, food_permit, restaurant, key="api-post-2")
    number = first.json()["number"]
    assert first.json()["pickup_center"] == "海珠区政务服务中心" and first.json()["delivery_due"] is None

    details = {"method": "post", "recipient": "赵六", "phone": "1380000", "address": "广州市海珠区南洲路 88 号"}
    bad = client.put(
        f"/api/v1/cases/{number}/delivery-details", details, content_type="application/json", headers=agent
    )
    assert bad.status_code == 422 and "delivery_phone" in bad.json()["error"]["fields"]
    details["phone"] = "13800000004"
    done = client.put(
        f"/api/v1/cases/{number}/delivery-details", details, content_type="application/json", headers=agent
    )
    assert done.status_code == 200 and done.json()["delivery_method"] == "post"

    decide(Case.objects.get(number=number), clerk=clerk)
    no_number = post(client, f"/api/v1/cases/{number}/delivery", samr, {"method": "post"})
    assert no_number.status_code == 422 and "tracking_number" in no_number.json()["error"]["fields"]
    sent = post(client, f"/api/v1/cases/{number}/delivery", samr, {"method": "post", "tracking_number": "EMS998877"})
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "delivered" and sent.json()["tracking_number"] == "EMS998877"
    late = client.put(
        f"/api/v1/cases/{number}/delivery-details", details, content_type="application/json", headers=agent
    )
    assert late.status_code == 409
