"""`yiwang demo` leaves the 政务公开 pages something to show: licence and penalty decisions published, one late,
a person masked, a revoked licence, and every credit list."""

from yiwang.credit.models import CreditRecord
from yiwang.licences.models import Licence
from yiwang.publicity.demo import load_demo_decisions
from yiwang.publicity.models import Publication


def test_the_demo_publishes_decisions_of_both_kinds_and_fills_every_list(db, monday):
    assert load_demo_decisions() == 5
    rows = {p.decision_number: p for p in Publication.objects.select_related("licence")}
    licences = [p for p in rows.values() if p.kind == "licence"]
    penalties = [p for p in rows.values() if p.kind == "penalty"]
    assert len(licences) == 3 and len(penalties) == 2
    assert {p.holder_name for p in licences} == {
        "广州市海珠区星光文化传播有限公司",
        "广州市海珠区老街坊餐饮店",
        "陈*明",
    }
    assert sum(p.licence is not None for p in licences) == 2
    revoked = next(p for p in licences if p.holder_name.startswith("广州市海珠区星光"))
    assert revoked.licence.status == Licence.Status.REVOKED
    assert [p.late for p in penalties].count(True) == 1  # the fine entered ten working days after its decision
    kinds = set(CreditRecord.objects.values_list("list_kind", flat=True))
    assert kinds >= {"red", "abnormal", "serious"}
    assert load_demo_decisions() == 0
