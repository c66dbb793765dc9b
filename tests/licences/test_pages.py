"""The public verification page and API (no login), the holder's wallet, and the licence PDF."""

import re
import shutil
import subprocess

import pytest

from yiwang.accounts.models import Person
from yiwang.licences import services
from yiwang.licences.models import Licence
from yiwang.licences.selectors import public_view


def test_the_verification_page_needs_no_login_and_shows_the_licence_face(client, licence, restaurant):
    page = client.get(f"/licences/verify/{licence.number}/?d={licence.digest}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="valid"' in html and restaurant.name in html and restaurant.uscc in html
    assert "赵六" not in html and "13800000004" not in html  # the application's contact stays private
    assert client.get("/licences/verify/NO-SUCH/").status_code == 404


def test_the_page_shows_revocation_date_and_reason(client, licence, samr_reviewer):
    services.licence_revoke(actor=samr_reviewer, licence=licence, reason="无证经营被查处")
    html = client.get(f"/licences/verify/{licence.number}/").content.decode()
    assert 'data-status="revoked"' in html and "无证经营被查处" in html and "2026-11-23" in html


def test_an_altered_licence_shows_nothing_of_its_altered_data(client, licence):
    Licence.objects.filter(pk=licence.pk).update(data={**licence.data, "holder_name": "冒名公司"})
    html = client.get(f"/licences/verify/{licence.number}/").content.decode()
    assert 'data-status="altered"' in html and "冒名公司" not in html


def test_a_persons_identity_number_is_masked(licence, citizen):
    person = Person.objects.get(user=citizen)
    shown = public_view(Licence(**{**_fields(licence), "holder_entity": None, "holder_person": person}))
    assert shown["holder_name"] == person.name and person.id_number not in shown["holder_code"]
    assert "*" in shown["holder_code"]


def _fields(licence):
    return {f.name: getattr(licence, f.name) for f in Licence._meta.concrete_fields if f.name != "id"}


def test_the_api_verifies_without_authentication(client, licence, samr_reviewer):
    answer = client.get(f"/api/v1/licences/{licence.number}/verification")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "valid" and body["holder_code"] == licence.holder_entity.uscc
    assert body["valid_until"] == "2031-11-22" and body["digest"] == licence.digest
    assert client.get(f"/api/v1/licences/{licence.number}/verification?digest={'0' * 64}").json()["status"] == "altered"
    assert client.get("/api/v1/licences/NOPE/verification").json()["status"] == "unknown"
    services.licence_revoke(actor=samr_reviewer, licence=licence, reason="无证经营被查处")
    body = client.get(f"/api/v1/licences/{licence.number}/verification").json()
    assert body["status"] == "revoked" and body["status_reason"] == "无证经营被查处" and body["status_changed_at"]


def test_the_wallet_lists_the_entitys_licences_for_its_agent_only(client, licence, enterprise_agent, citizen):
    client.force_login(enterprise_agent)
    html = client.get("/licences/").content.decode()
    assert licence.number in html and f"/licences/{licence.number}/pdf/" in html
    client.force_login(citizen)
    assert licence.number not in client.get("/licences/").content.decode()
    assert client.get(f"/licences/{licence.number}/pdf/").status_code == 404
    client.logout()
    assert client.get("/licences/").status_code == 302


def test_the_pdf_embeds_its_cjk_font_and_carries_the_holders_name(client, licence, enterprise_agent, tmp_path):
    client.force_login(enterprise_agent)
    answer = client.get(f"/licences/{licence.number}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    pdf = answer.content
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # TrueType outlines embedded
    if not (shutil.which("pdffonts") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils missing")
    (tmp_path / "l.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", "l.pdf"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    row = next(line for line in fonts.splitlines() if "WenQuanYi" in line)
    assert re.search(r"\byes\s+yes\b", row), fonts  # embedded, subset
    text = subprocess.run(["pdftotext", "l.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert licence.holder_entity.name in text and licence.number in text and "食品经营许可证" in text
