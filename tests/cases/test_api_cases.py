"""Cases, tasks, materials and ratings over /api/v1: tokens and sessions, 404 for what is not yours,
Idempotency-Key, and twenty reviewers racing for one task."""

import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils.crypto import get_random_string

from tests.case_fixtures import PDF, food_form
from yiwang.accounts.tokens import token_create
from yiwang.cases.models import Case
from yiwang.org.models import ServiceCenter
from yiwang.workflow.models import Task


def bearer(user) -> dict:
    _token, secret = token_create(actor=user, user=user, name="接口测试")
    return {"Authorization": f"Bearer {secret}"}


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def upload(client, headers, data: bytes, name="scan.pdf"):
    return client.post("/api/v1/materials", {"file": SimpleUploadedFile(name, data)}, headers=headers)


def submission_body(client, headers, implementation, entity) -> dict:
    """A complete application for the food permit: the form, every material uploaded, fetched at the hall."""
    materials = []
    for spec in implementation.item.current_version.materials.all():
        if spec.source != "applicant":
            continue
        answer = upload(client, headers, PDF + spec.name.encode())
        assert answer.status_code == 201, answer.content
        materials.append({"spec": spec.pk, "key": answer.json()["key"], "filename": f"{spec.name}.pdf"})
    return {
        "implementation": implementation.code,
        "entity": entity.uscc,
        "form": food_form(entity),
        "materials": materials,
        "delivery_method": "window",
        "pickup_center": ServiceCenter.objects.get(name="海珠区政务服务中心").pk,
    }


def submission(client, headers, implementation, entity, key="order-1"):
    body = submission_body(client, headers, implementation, entity)
    return post(client, "/api/v1/cases", {**headers, "Idempotency-Key": key}, body)


def inbox(client, headers) -> dict[str, dict]:
    answer = client.get("/api/v1/tasks", headers=headers)
    assert answer.status_code == 200
    return {t["role"]: t for t in answer.json()["items"]}


def test_the_whole_lifecycle_over_http_with_tokens(
    monday, client, enterprise_agent, restaurant, food_permit, clerk, urban_reviewer, samr_reviewer, samr_signer
):
    agent, desk, urban, samr, head = (
        bearer(u) for u in (enterprise_agent, clerk, urban_reviewer, samr_reviewer, samr_signer)
    )

    first = submission(client, agent, food_permit, restaurant)
    assert first.status_code == 201, first.content
    case = first.json()
    assert case["status"] == "submitted" and case["number"] == "440105-20261123-00001"
    assert case["deadlines"]["acceptance"] == {"date": "2026-11-30", "provisional": False}
    assert {m["provided"] for m in case["materials"]} == {"uploaded", "licence", "shared"}
    again = submission(client, agent, food_permit, restaurant)
    assert again.status_code == 200 and again.json() == case
    assert Case.objects.filter(idempotency_key="order-1").count() == 1
    number = case["number"]

    accepted = post(client, f"/api/v1/cases/{number}/accept", desk)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "review"
    assert accepted.json()["deadlines"]["promised"] == {"date": "2026-11-30", "provisional": False}
    assert accepted.json()["deadlines"]["statutory"] == {"date": "2026-12-07", "provisional": False}
    assert {t["department"] for t in accepted.json()["tasks"]} == {"海珠区市场监督管理局", "海珠区城市管理和综合执法局"}

    urban_task = inbox(client, urban)["assisting"]
    assert urban_task["case"] == number and urban_task["due_on"]
    done = post(
        client,
        f"/api/v1/tasks/{urban_task['id']}/completion",
        urban,
        {"outcome": "agree", "opinion": "油烟净化设施符合要求"},
    )
    assert done.status_code == 200 and done.json()["status"] == "agreed"

    lead = inbox(client, samr)["lead"]
    claimed = post(client, f"/api/v1/tasks/{lead['id']}/claim", samr)
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    done = post(
        client, f"/api/v1/tasks/{lead['id']}/completion", samr, {"outcome": "agree", "opinion": "现场核查符合要求"}
    )
    assert done.status_code == 200
    assert "decision" in inbox(client, samr)

    refused = post(client, f"/api/v1/cases/{number}/decision", samr, {"grant": True})
    assert refused.status_code == 403  # the reviewer proposes; the department's head decides
    proposed = post(client, f"/api/v1/cases/{number}/proposal", samr, {"grant": True, "reasons": "符合法定条件"})
    assert proposed.status_code == 200, proposed.content
    decided = post(
        client,
        f"/api/v1/cases/{number}/decision",
        head,
        {"grant": True, "result_data": {"经营项目": "热食类食品制售"}},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "granted" and decided.json()["result_data"] == {"经营项目": "热食类食品制售"}

    delivered = post(client, f"/api/v1/cases/{number}/delivery", desk, {"method": "window"})
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"

    rated = post(client, f"/api/v1/cases/{number}/rating", agent, {"score": 5, "reasons": ["一次办好，省时省心"]})
    assert rated.status_code == 201, rated.content
    assert rated.json()["score_label"] == "非常满意"
    twice = post(client, f"/api/v1/cases/{number}/rating", agent, {"score": 1, "comment": "改主意了"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "conflict"

    seen = client.get(f"/api/v1/cases/{number}", headers=agent).json()
    actions = [entry["action"] for entry in seen["timeline"]]
    assert actions[:3] == ["submit", "accept", "start_review"]
    assert actions[-3:] == ["propose", "grant", "deliver"]
    assert seen["rating"]["score"] == 5
    assert {t["status"] for t in seen["tasks"]} == {"agreed", "done"}
    listed = client.get("/api/v1/cases", headers=agent).json()
    assert [c["number"] for c in listed["items"]] == [number] and listed["count"] == 1


def test_a_wrong_step_answers_409_and_bad_input_names_the_field(monday, client, submitted, clerk, enterprise_agent):
    desk, agent = bearer(clerk), bearer(enterprise_agent)
    early = post(client, f"/api/v1/cases/{submitted.number}/delivery", desk, {})
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_transition"
    no_reasons = post(client, f"/api/v1/cases/{submitted.number}/refusal", desk, {"reasons": " "})
    assert no_reasons.status_code == 422 and "reasons" in no_reasons.json()["error"]["fields"]
    no_points = post(client, f"/api/v1/cases/{submitted.number}/correction", desk, {"points": []})
    assert no_points.status_code == 422 and "points" in no_points.json()["error"]["fields"]
    notice = post(
        client, f"/api/v1/cases/{submitted.number}/correction", desk, {"points": ["营业场所平面图缺少比例尺"]}
    )
    assert notice.status_code == 200 and notice.json()["corrections"][0]["points"] == ["营业场所平面图缺少比例尺"]
    answered = post(client, f"/api/v1/cases/{submitted.number}/resubmission", agent, {})
    assert answered.status_code == 200 and answered.json()["status"] == "submitted"
    withdrawn = post(client, f"/api/v1/cases/{submitted.number}/withdrawal", agent, {"reason": "不办了"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_submission_checks_the_key_the_applicant_and_the_files(
    monday, client, citizen, enterprise_agent, restaurant, food_permit
):
    mine = bearer(citizen)
    body = {"implementation": "R005-440105", "entity": restaurant.uscc, "form": food_form(restaurant)}
    without_key = post(client, "/api/v1/cases", mine, body)
    assert without_key.status_code == 422 and any("Idempotency-Key" in f for f in without_key.json()["error"]["fields"])
    too_long = post(client, "/api/v1/cases", {**mine, "Idempotency-Key": "k" * 65}, body)
    assert too_long.status_code == 422
    # 张三 is not the restaurant's agent, and cannot apply as 李四 either: the same 404 as a missing applicant.
    not_his = post(client, "/api/v1/cases", {**mine, "Idempotency-Key": "a"}, body)
    assert not_his.status_code == 404
    as_other = post(
        client,
        "/api/v1/cases",
        {**mine, "Idempotency-Key": "b"},
        {**body, "entity": None, "person": "440106198505052319"},
    )
    assert as_other.status_code == 404
    unknown_file = post(
        client,
        "/api/v1/cases",
        {**bearer(enterprise_agent), "Idempotency-Key": "c"},
        {**body, "materials": [{"spec": 1, "key": "0" * 64, "filename": "x.pdf"}]},
    )
    assert unknown_file.status_code == 422 and "materials.0.key" in unknown_file.json()["error"]["fields"]
    not_a_pdf = upload(client, mine, b"MZ\x90\x00 an executable, named as a PDF", name="scan.pdf")
    assert not_a_pdf.status_code == 422 and "file" in not_a_pdf.json()["error"]["fields"]
    assert not Case.objects.exists()


def test_the_answer_to_a_submission_is_the_case_as_read_back(monday, client, enterprise_agent, restaurant, food_permit):
    """The 201 is built from the rows the submission wrote (selectors.new_case_detail), not read back: it must
    say exactly what a later read says, a material drawn from an e-licence, an unknown implementation and a
    repeat included."""
    agent = bearer(enterprise_agent)
    body = submission_body(client, agent, food_permit, restaurant)
    made = post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "read-back"}, body)
    assert made.status_code == 201, made.content
    answer = made.json()
    assert any(m["licence"] for m in answer["materials"]) and len(answer["materials"]) >= 3
    assert [entry["action"] for entry in answer["timeline"]] == ["submit"]
    assert client.get(f"/api/v1/cases/{answer['number']}", headers=agent).json() == answer
    again = post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "read-back"}, body)
    assert again.status_code == 200 and again.json() == answer
    unknown = post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "nowhere"}, {**body, "implementation": "X"})
    assert unknown.status_code == 422 and "implementation" in unknown.json()["error"]["fields"]


def test_nobody_sees_or_touches_another_applicants_case(client, in_review, citizen):
    other = bearer(citizen)
    assert client.get(f"/api/v1/cases/{in_review.number}", headers=other).status_code == 404
    assert client.get("/api/v1/cases", headers=other).json()["count"] == 0
    withdrawn = post(client, f"/api/v1/cases/{in_review.number}/withdrawal", other, {})
    assert withdrawn.status_code == 404 and withdrawn.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/cases/440105-20261123-99999", headers=other).status_code == 404


def test_a_reviewer_cannot_see_or_act_on_another_departments_task(
    client, in_review, health_reviewer, tianhe_reviewer, urban_reviewer
):
    urban_task = in_review.tasks.get(department__kind="URBAN")
    for outsider in (health_reviewer, tianhe_reviewer):
        headers = bearer(outsider)
        assert inbox(client, headers) == {}
        claimed = post(client, f"/api/v1/tasks/{urban_task.pk}/claim", headers)
        assert claimed.status_code == 404
        done = post(
            client, f"/api/v1/tasks/{urban_task.pk}/completion", headers, {"outcome": "agree", "opinion": "同意"}
        )
        assert done.status_code == 404
        assert client.get(f"/api/v1/cases/{in_review.number}", headers=headers).status_code == 404
    urban_task.refresh_from_db()
    assert urban_task.status == Task.Status.OPEN
    # The department that holds the task does see it.
    assert client.get(f"/api/v1/cases/{in_review.number}", headers=bearer(urban_reviewer)).status_code == 200


def test_session_writes_need_csrf_token_writes_do_not(in_review, samr_reviewer, urban_reviewer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(samr_reviewer)
    lead = in_review.tasks.get(role=Task.Role.LEAD)
    assert browser.get("/api/v1/tasks").status_code == 200
    forged = browser.post(f"/api/v1/tasks/{lead.pk}/claim")
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "permission_denied"
    lead.refresh_from_db()
    assert lead.status == Task.Status.OPEN
    secret = get_random_string(32)
    browser.cookies["csrftoken"] = secret
    claimed = browser.post(f"/api/v1/tasks/{lead.pk}/claim", headers={"X-CSRFToken": secret})
    assert claimed.status_code == 200 and claimed.json()["assignee"] == str(samr_reviewer)

    script = Client(enforce_csrf_checks=True)
    urban = in_review.tasks.get(department__kind="URBAN")
    done = post(
        script,
        f"/api/v1/tasks/{urban.pk}/completion",
        bearer(urban_reviewer),
        {"outcome": "agree", "opinion": "同意"},
    )
    assert done.status_code == 200


def test_twenty_concurrent_completions_of_one_task_one_wins(
    reference_data_restored, transactional_db, in_review, urban_reviewer
):
    task = in_review.tasks.get(department__kind="URBAN")
    headers = bearer(urban_reviewer)
    start = threading.Barrier(20)
    statuses: list[int] = []

    def complete():
        try:
            start.wait()
            answer = post(
                Client(), f"/api/v1/tasks/{task.pk}/completion", headers, {"outcome": "agree", "opinion": "同意"}
            )
            statuses.append(answer.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 19
    task.refresh_from_db()
    assert task.status == Task.Status.AGREED
    assert in_review.log.filter(action="task_agree").count() == 1


def test_twenty_concurrent_submissions_with_one_key_make_one_case_and_answer_201_once(
    reference_data_restored, transactional_db, monday, enterprise_agent, restaurant, food_permit
):
    """Issue #10: 2 of 20 concurrent submissions with one Idempotency-Key answered 201 instead of 200."""
    headers = bearer(enterprise_agent)
    body = submission_body(Client(), headers, food_permit, restaurant)
    start = threading.Barrier(20)
    answers: list[tuple[int, str]] = []

    def submit():
        try:
            start.wait()
            answer = post(Client(), "/api/v1/cases", {**headers, "Idempotency-Key": "race-1"}, body)
            answers.append((answer.status_code, answer.json().get("number", answer.content.decode())))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert len({number for _, number in answers}) == 1
    assert Case.objects.filter(idempotency_key="race-1").count() == 1


def test_a_failed_first_submission_leaves_the_key_free_for_the_next(
    client, monday, enterprise_agent, restaurant, food_permit
):
    headers = {**bearer(enterprise_agent), "Idempotency-Key": "retry-1"}
    body = submission_body(client, headers, food_permit, restaurant)
    refused = post(client, "/api/v1/cases", headers, {**body, "form": {}})
    assert refused.status_code == 422
    assert post(client, "/api/v1/cases", headers, body).status_code == 201
    assert post(client, "/api/v1/cases", headers, body).status_code == 200


def test_stored_file_names_are_sanitised_and_downloads_name_them_safely(
    client, monday, enterprise_agent, restaurant, food_permit, clerk
):
    """Issue #10: file names were kept verbatim (../, CRLF, U+202E faking an extension in a reviewer's download)."""
    headers = bearer(enterprise_agent)
    body = submission_body(client, headers, food_permit, restaurant)
    attacks = {
        "../../etc/passwd.pdf": "passwd.pdf",
        "a\r\nSet-Cookie: x=1.pdf": "aSet-Cookie: x=1.pdf",
        "营业执照\u202efdp.exe": "营业执照fdp.exe",
    }
    assert len(body["materials"]) == len(attacks)
    for material, name in zip(body["materials"], attacks, strict=True):
        material["filename"] = name
    answer = post(client, "/api/v1/cases", {**headers, "Idempotency-Key": "names"}, body)
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(number=answer.json()["number"])
    names = {m.filename for m in case.materials.exclude(file_key="")}
    assert names == set(attacks.values())
    client.force_login(clerk)
    for material in case.materials.exclude(file_key=""):
        download = client.get(f"/workbench/cases/{case.number}/materials/{material.pk}/")
        assert download.status_code == 200
        header = download["Content-Disposition"]
        assert "\r" not in header and "\n" not in header and "/" not in header.split(";", 1)[1].replace("%2F", "")
        assert "\u202e" not in header and "%E2%80%AE" not in header
