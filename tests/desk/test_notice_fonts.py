"""Every notice the desk prints embeds its font (no reader-supplied STSong-Light)."""

import pytest

from tests.case_fixtures import form_for
from tests.pdffonts import assert_every_font_embedded
from yiwang.desk import pdf as desk_pdf
from yiwang.desk import services as desk

from .conftest import WALK_IN_ID


@pytest.fixture
def walk_in(clerk):
    from yiwang.accounts.services import person_register

    return person_register(actor=clerk, name="王小明", id_number=WALK_IN_ID)


@pytest.mark.parametrize("outcome", ["accept", "correct", "refuse"])
def test_every_desk_notice_embeds_its_font(monday, clerk, window1, marriage, walk_in, outcome):
    received = {s.pk for s in marriage.item.current_version.materials.all() if s.source == "applicant"}
    case = desk.desk_intake(
        actor=clerk,
        window=window1,
        implementation=marriage,
        form_data=form_for(marriage, person=walk_in),
        person=walk_in,
        outcome=outcome,
        received=received if outcome == "accept" else (),
        **({"points": ["请携带户口簿原件"]} if outcome == "correct" else {}),
        **({"reasons": "不属于本机关管辖"} if outcome == "refuse" else {}),
    )
    _title, data = desk_pdf.notice_pdf(case)
    assert_every_font_embedded(data)
    assert b"STSong" not in data


def test_a_notice_prints_the_platforms_public_address(monday, clerk, window1, marriage, walk_in, settings):
    from .test_notices_and_outbox import _text

    settings.YIWANG_PUBLIC_URL = "https://zwfw.example.gov.cn"
    case = desk.desk_intake(
        actor=clerk,
        window=window1,
        implementation=marriage,
        form_data=form_for(marriage, person=walk_in),
        person=walk_in,
        outcome="refuse",
        reasons="不属于本机关管辖",
    )
    assert "https://zwfw.example.gov.cn/" in _text(desk_pdf.notice_pdf(case)[1])
