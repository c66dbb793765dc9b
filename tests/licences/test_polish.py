"""Readable licence numbers, the public address in the QR code, damaged verification links, the embedded font."""

import re

from django.conf import settings

from tests.pdffonts import assert_every_font_embedded
from yiwang.catalog.models import LicenceType
from yiwang.catalog.reference import reference_data
from yiwang.licences import services
from yiwang.licences.pdf import licence_pdf
from yiwang.licences.selectors import licence_verify, verify_link


def test_a_licence_number_says_where_when_what_and_which(licence, in_review):
    assert re.fullmatch(rf"{in_review.department.region.code}-{licence.issued_on.year}-SPJY-000001", licence.number)
    following = services._next_licence_number(licence.licence_type, licence.department, licence.issued_on)
    assert following == licence.number[:-6] + "000002"
    assert sorted([following, licence.number]) == [licence.number, following]


def test_every_reference_licence_type_gets_its_own_latin_kind_code():
    kinds = {
        services.licence_number(region_code="440105", year=2026, licence_type=LicenceType(name=spec["name"]), serial=1)
        for spec in reference_data()["licence_types"].values()
    }
    assert len(kinds) == len(reference_data()["licence_types"])
    assert all(re.fullmatch(r"440105-2026-[A-Z]{2,10}-000001", number) for number in kinds), kinds
    assert "440105-2026-YYZZ-000001" in kinds  # 营业执照


def test_the_qr_code_opens_the_public_address(licence, settings):
    assert verify_link(licence) == f"http://testserver/licences/verify/{licence.number}/?d={licence.digest}"
    settings.YIWANG_PUBLIC_URL = "https://zwfw.example.gov.cn"
    assert verify_link(licence).startswith("https://zwfw.example.gov.cn/licences/verify/")


def test_the_oidc_issuer_is_the_public_address():
    assert settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"] == settings.YIWANG_PUBLIC_URL + "/o"


def test_the_licence_pdf_embeds_every_font(licence):
    assert_every_font_embedded(licence_pdf(licence))


def test_a_garbled_digest_says_the_link_is_damaged_not_the_licence_altered(client, licence):
    for digest in (licence.digest[:40], licence.digest[:-1] + "z", "", licence.digest + "0"):
        assert licence_verify(licence.number, digest=digest).status == "damaged"
        html = client.get(f"/licences/verify/{licence.number}/?d={digest}").content.decode()
        assert 'data-status="damaged"' in html and "链接" in html and "篡改" not in html
        assert licence.holder_entity.name not in html


def test_a_garbled_number_with_the_right_digest_is_damaged(client, licence):
    garbled = licence.number[:-2]
    assert licence_verify(garbled, digest=licence.digest).status == "damaged"
    html = client.get(f"/licences/verify/{garbled}/?d={licence.digest}").content.decode()
    assert 'data-status="damaged"' in html and "篡改" not in html
    assert licence_verify(garbled).status == "unknown"
    assert client.get(f"/licences/verify/{garbled}/").status_code == 404


def test_an_intact_link_still_tells_an_altered_paper(licence):
    assert licence_verify(licence.number, digest="0" * 64).status == "altered"
    assert licence_verify(licence.number, digest=licence.digest).status == "valid"


def test_the_case_pages_link_to_the_licence(client, licence, in_review, enterprise_agent, samr_reviewer):
    client.force_login(enterprise_agent)
    html = client.get(f"/cases/{in_review.number}/").content.decode()
    assert f"/licences/{licence.number}/pdf/" in html and f"/licences/verify/{licence.number}/" in html
    client.force_login(samr_reviewer)
    html = client.get(f"/workbench/cases/{in_review.number}/").content.decode()
    assert f"/licences/verify/{licence.number}/" in html
