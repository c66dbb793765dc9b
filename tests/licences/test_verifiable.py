"""Licences a third party can verify (issue #10): the public issuer directory, seal keys certified by the platform
root key, key windows and revocation, and the verification bundle."""

import base64
import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yiwang.core.errors import NotFound
from yiwang.licences import signing
from yiwang.licences.models import Licence, SealKey
from yiwang.licences.selectors import licence_verify
from yiwang.licences.services import licence_canonical, licence_revoke, seal_key_revoke, seal_key_rotate


def api_status(client, licence):
    return client.get(f"/api/v1/licences/{licence.number}/verification").json()["status"]


def page_status(client, licence):
    page = client.get(reverse("licences:verify", args=[licence.number])).content.decode()
    return page.split('data-status="')[1].split('"')[0]


def resign(licence, key, **changes):
    """What someone holding `key`'s private half does: change the licence and sign it again."""
    for name, value in changes.items():
        setattr(licence, name, value)
    licence.seal_key = key
    canonical = licence_canonical(licence)
    licence.digest = signing.sm3_hex(canonical)
    licence.signature = signing.sign(signing.load_private_key(key.private_key_encrypted), canonical)
    licence.save()
    return licence


def test_the_issuer_directory_publishes_each_key_with_window_and_status_without_login(client, licence, superuser):
    old = licence.seal_key
    new = seal_key_rotate(actor=superuser, department=licence.department)
    answer = client.get(reverse("licences:issuers_json"))
    assert answer.status_code == 200 and "public" in answer["Cache-Control"] and "max-age" in answer["Cache-Control"]
    directory = answer.json()
    assert directory["root"]["public_key_pem"] == signing.root_public_pem()
    keys = {k["key_id"]: k for k in directory["keys"]}
    assert keys[old.key_id]["status"] == "retired" and keys[old.key_id]["retired_at"].endswith("Z")
    assert keys[new.key_id]["status"] == "active" and keys[new.key_id]["retired_at"] is None
    assert keys[new.key_id]["department"]["code"] == licence.department.code
    entry = keys[old.key_id]
    statement, certificate = entry["certificate"]["statement"].encode(), entry["certificate"]["signature_base64"]
    assert signing.root_verifies(base64.b64decode(certificate), statement)
    assert json.loads(statement)["retired_at"] == entry["retired_at"]
    pem = client.get(reverse("licences:issuer_pem", args=[old.key_id]))
    assert pem.status_code == 200 and pem.content.decode() == old.public_key_pem and "public" in pem["Cache-Control"]
    assert client.get(reverse("licences:root_pem")).content.decode() == signing.root_public_pem()
    assert client.get(reverse("licences:issuer_pem", args=["0" * 64])).status_code == 404
    page = client.get(reverse("licences:issuers"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "电子印章公钥目录" in html and old.key_id in html and new.key_id in html and "已停用" in html


def test_the_seal_key_id_is_the_sm3_of_its_der_public_key(licence):
    der = signing.public_key_der(licence.seal_key.public_key_pem)
    assert licence.seal_key.key_id == signing.sm3_hex(der)
    assert json.loads(licence_canonical(licence))["key_id"] == licence.seal_key.key_id


def test_a_forged_retired_key_inserted_in_the_database_is_an_unknown_key(client, licence):
    """The attack of issue #10: insert a "retired" key for the department, re-sign altered data with it."""
    public_pem, private_encrypted = signing.new_key_pair()
    forged = SealKey.objects.create(
        department=licence.department,
        public_key_pem=public_pem,
        private_key_encrypted=private_encrypted,
        key_id=signing.key_id(public_pem),
        valid_from=licence.seal_key.valid_from - dt.timedelta(days=400),
        retired_at=licence.seal_key.valid_from - dt.timedelta(days=1),
        certificate=bytes(licence.seal_key.certificate),  # a genuine certificate, copied
    )
    resign(licence, forged, valid_until=dt.date(2099, 12, 31))
    assert licence_verify(licence.number).status == "unknown_key"
    assert api_status(client, licence) == "unknown_key"
    assert page_status(client, licence) == "unknown_key"
    forged_keys = [k["key_id"] for k in client.get(reverse("licences:issuers_json")).json()["keys"]]
    assert forged.key_id not in forged_keys
    assert client.get(reverse("licences:issuer_pem", args=[forged.key_id])).status_code == 404


def test_widening_a_genuine_keys_window_in_the_database_breaks_its_certificate(client, licence, superuser):
    old = licence.seal_key
    seal_key_rotate(actor=superuser, department=licence.department)
    old.refresh_from_db()
    resign(licence, old, signed_at=old.retired_at + dt.timedelta(days=1))  # a leaked retired key, post-dated
    assert api_status(client, licence) == "unknown_key"
    SealKey.objects.filter(department=licence.department, retired_at__isnull=True).delete()
    SealKey.objects.filter(pk=old.pk).update(retired_at=None)  # and the row "un-retired" to cover it
    assert api_status(client, licence) == "unknown_key"


def test_a_retired_key_verifies_only_what_it_signed_inside_its_window(licence, superuser):
    old = licence.seal_key
    seal_key_rotate(actor=superuser, department=licence.department)
    old.refresh_from_db()
    assert licence_verify(licence.number).status == "valid"
    resign(licence, old, signed_at=old.valid_from - dt.timedelta(seconds=1))
    assert licence_verify(licence.number).status == "unknown_key"
    resign(licence, old, signed_at=old.retired_at)
    assert licence_verify(licence.number).status == "valid"


def test_a_key_of_another_department_is_an_unknown_key(licence, superuser, health_reviewer):
    other = seal_key_rotate(actor=superuser, department=health_reviewer.staff_roles.get().department)
    resign(licence, other)
    assert licence_verify(licence.number).status == "unknown_key"


def test_a_revoked_key_refuses_what_it_signed_from_the_revocation_date_and_flags_what_came_before(
    client, licence, superuser
):
    key = licence.seal_key
    issued = timezone.localdate()
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        seal_key_revoke(actor=superuser, key=key, revoked_on=issued + dt.timedelta(days=1), reason="私钥泄露")
        key.refresh_from_db()
        assert key.state == SealKey.State.REVOKED and key.retired_at is not None
        assert timezone.localtime(key.revoked_at) == timezone.make_aware(
            dt.datetime.combine(issued + dt.timedelta(days=1), dt.time.min)
        )
        assert SealKey.objects.filter(department=licence.department, retired_at__isnull=True).exists()
        result = licence_verify(licence.number)
        assert result.status == "valid" and result.key_revoked_at == key.revoked_at and "吊销" in result.message
        body = client.get(f"/api/v1/licences/{licence.number}/verification").json()
        assert body["status"] == "valid" and body["key_revoked_at"] and body["key_revocation_reason"] == "私钥泄露"
        resign(licence, key, signed_at=key.revoked_at + dt.timedelta(hours=1))
        result = licence_verify(licence.number)
        assert result.status == "revoked_key" and result.reason == "私钥泄露"
        assert api_status(client, licence) == "revoked_key" and page_status(client, licence) == "revoked_key"
        directory = client.get(reverse("licences:issuers_json")).json()
    entry = next(k for k in directory["keys"] if k["key_id"] == key.key_id)
    assert entry["status"] == "revoked" and entry["revocation_reason"] == "私钥泄露"


def test_clearing_a_revocation_in_the_database_makes_the_key_unknown(licence, superuser):
    seal_key_revoke(actor=superuser, key=licence.seal_key, revoked_on=timezone.localdate(), reason="私钥泄露")
    SealKey.objects.filter(pk=licence.seal_key_id).update(revoked_at=None, revocation_reason="")
    assert licence_verify(licence.number).status == "unknown_key"


def test_only_the_platform_administrator_revokes_and_through_the_seal_page(client, licence, superuser, samr_head):
    revoke = reverse("licences:seal_revoke", args=[licence.seal_key_id])
    with pytest.raises(NotFound):
        seal_key_revoke(actor=samr_head, key=licence.seal_key, revoked_on=timezone.localdate(), reason="x")
    client.force_login(samr_head)
    assert revoke not in client.get(reverse("licences:seals")).content.decode()
    assert client.post(revoke, {"revoked_on": "2026-11-20", "reason": "x"}).status_code == 404
    client.force_login(superuser)
    assert revoke in client.get(reverse("licences:seals")).content.decode()
    answer = client.post(revoke, {"revoked_on": "2026-11-20", "reason": ""})
    assert answer.status_code == 302 and SealKey.objects.get(pk=licence.seal_key_id).revoked_at is None
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.post(revoke, {"revoked_on": future, "reason": "私钥泄露"})
    assert SealKey.objects.get(pk=licence.seal_key_id).revoked_at is None
    answer = client.post(revoke, {"revoked_on": "2026-11-20", "reason": "私钥泄露"})
    assert answer.status_code == 302
    key = SealKey.objects.get(pk=licence.seal_key_id)
    assert timezone.localtime(key.revoked_at).date() == dt.date(2026, 11, 20) or key.revoked_at == key.valid_from
    assert "私钥泄露" in client.get(reverse("licences:seals")).content.decode()


def test_an_expired_licence_and_a_revoked_licence_are_still_told_apart_from_key_problems(licence, samr_reviewer):
    later = licence.valid_until + dt.timedelta(days=1)
    assert licence_verify(licence.number, on=later).status == "expired"
    licence_revoke(
        actor=samr_reviewer, licence=licence, reason="违法经营", basis="行政处罚决定书 穗海市监罚〔2026〕1号"
    )
    assert licence_verify(licence.number).status == "revoked"


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_holder_downloads_the_bundle_of_exactly_the_signed_bytes(client, licence, enterprise_agent, citizen):
    client.force_login(enterprise_agent)
    wallet = client.get(reverse("licences:wallet")).content.decode()
    assert reverse("licences:bundle", args=[licence.number]) in wallet
    answer = client.get(reverse("licences:bundle", args=[licence.number]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    files = unzip(answer.content)
    assert files["licence.json"] == licence_canonical(licence)
    assert signing.sm3_hex(files["licence.json"]) == licence.digest
    assert files["licence.sig"] == bytes(licence.signature)
    assert base64.b64decode(files["licence.sig.b64"]) == files["licence.sig"]
    assert files["seal-key.pem"].decode() == licence.seal_key.public_key_pem
    assert files["root.pem"].decode() == signing.root_public_pem()
    seal = signing.load_public_key(files["seal-key.pem"].decode())
    assert signing.verify(seal, files["licence.sig"], files["licence.json"])
    assert signing.root_verifies(files["seal-key.cert.sig"], files["seal-key.cert.json"])
    client.force_login(citizen)
    assert client.get(reverse("licences:bundle", args=[licence.number])).status_code == 404


def test_a_relying_party_gets_the_bundle_with_the_number_and_verification_code(client, licence):
    bundle = reverse("licences:public_bundle", args=[licence.number])
    page = client.get(reverse("licences:verify", args=[licence.number]) + f"?d={licence.digest}").content.decode()
    assert f"{bundle}?d={licence.digest}" in page
    answer = client.get(bundle, {"d": licence.digest})
    assert answer.status_code == 200 and unzip(answer.content)["licence.json"] == licence_canonical(licence)
    assert client.get(bundle).status_code == 404
    assert client.get(bundle, {"d": "0" * 64}).status_code == 404


def test_the_signed_payload_is_the_public_view_a_persons_identity_number_masked(licence, citizen):
    from yiwang.accounts.models import Person

    person = Person.objects.get(user=citizen)
    Licence.objects.filter(pk=licence.pk).update(holder_person=person, holder_entity=None)
    licence.refresh_from_db()
    canonical = licence_canonical(licence).decode()
    assert person.id_number not in canonical and person.name in canonical
    assert json.loads(canonical)["holder_code"].count("*") >= 8
