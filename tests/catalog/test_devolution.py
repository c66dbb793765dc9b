"""放权同步 (issue #13, item 6): the check finds every mismatch planted on top of the reference catalog and nothing
else, the catalog's writes keep the stored findings current, the command exits 1 on findings, the admin shows them.

The Shandong study's failure: an item devolved to a district while what it depends on stays above it
(“我放他未放”), or devolved to one district and not its neighbours.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from yiwang.catalog.devolution import LEVEL_RANK, devolution_mismatches, is_higher
from yiwang.catalog.models import DevolutionFinding, ItemImplementation, ServiceItem
from yiwang.catalog.services import (
    bundle_save,
    item_create,
    item_update,
    item_version_draft,
    item_version_publish,
    item_version_update,
    reference_save,
)
from yiwang.config.cli import main as yiwang
from yiwang.core.models import AuditEntry
from yiwang.org.models import Department, Region
from yiwang.workflow.models import Stage
from yiwang.workflow.services import process_define

pytestmark = pytest.mark.django_db

HAIZHU, TIANHE, GUANGZHOU = "440105", "440106", "440100"

# What _plant adds, one line per mismatch: (kind, item, related item, department, region).
PLANTED = {
    # A district item whose prerequisite the city keeps (R022 建设用地规划许可 is a 市级 item).
    ("prerequisite_higher", "D01", "R022", "", ""),
    # Its 海珠区 process has the city's fire brigade countersign (there is no district brigade).
    ("department_higher", "D01", "", "440100-FIRE", HAIZHU),
    # Devolved to 海珠区 only: 天河区 does not carry it …
    ("neighbour_missing", "D02", "", "", TIANHE),
    # … so in 天河区 the item that requires it cannot be started.
    ("prerequisite_missing", "D03", "D02", "", TIANHE),
    # A street-level item bundled with a district one.
    ("bundle_higher", "D04", "R001", "", ""),
    # Carried by both districts on paper, but 天河区's implementation is switched off.
    ("neighbour_missing", "D07", "", "", TIANHE),
}


def _keys(findings) -> set[tuple]:
    return {f.key() for f in findings}


def _stored() -> set[tuple]:
    rows = DevolutionFinding.objects.select_related("item", "related_item", "department", "region")
    return {
        (
            r.kind,
            r.item.code,
            r.related_item.code if r.related_item else "",
            r.department.code if r.department else "",
            r.region.code if r.region else "",
        )
        for r in rows
    }


def _department(region: str, kind: str) -> Department:
    return Department.objects.get(region__code=region, kind=kind)


def _implement(actor, item, region: str, *, active: bool = True) -> ItemImplementation:
    department = _department(region, item.department_kind)
    return reference_save(actor=actor, obj=ItemImplementation(item=item, department=department, active=active))


def _item(actor, code, level, kind="SAMR", *, prerequisites=(), regions=(HAIZHU, TIANHE), publish=True):
    item = item_create(
        actor=actor, code=code, name=f"测试事项{code}", kind="licensing", department_kind=kind, level=level,
        audience="enterprise",
    )  # fmt: skip
    draft = item_version_draft(actor=actor, item=item)
    item_version_update(
        actor=actor,
        version=draft,
        legal_basis="《中华人民共和国行政许可法》第十二条",
        statutory_days=20,
        promised_days=5,
        online_depth=3,
        prerequisites=[ServiceItem.objects.get(code=c) for c in prerequisites],
    )
    for region in regions:
        _implement(actor, item, region)
    if publish:
        item_version_publish(actor=actor, version=draft)
    return item


def _plant(actor) -> None:
    """The mismatches of PLANTED, and beside them what must not be reported."""
    d01 = _item(actor, "D01", "county", prerequisites=["R022", "R001"])  # R001: same level, in step
    process_define(
        actor=actor,
        implementation=d01.implementations.get(department__region__code=HAIZHU),
        stages=[
            {
                "name": "联合审查",
                "mode": Stage.Mode.COUNTERSIGN,
                "lead_department": _department(HAIZHU, "SAMR"),
                "days": 4,
                # 城管 at the district's own level is in step.
                "participants": [(_department(GUANGZHOU, "FIRE"), 3), (_department(HAIZHU, "URBAN"), 3)],
            }
        ],
    )
    _item(actor, "D02", "county", regions=[HAIZHU])
    _item(actor, "D03", "county", prerequisites=["D02"])
    d04 = _item(actor, "D04", "town", kind="CIVIL")
    bundle_save(
        actor=actor,
        code="BD1",
        name="测试一件事",
        audience="enterprise",
        items=[ServiceItem.objects.get(code="R001"), d04],
    )
    # A city item whose prerequisite both districts carry: a lower prerequisite, available below, is in step.
    _item(actor, "D05", "city", prerequisites=["R001"], regions=[GUANGZHOU])
    # A draft is not in the published catalog, whatever it would get wrong.
    _item(actor, "D06", "county", prerequisites=["R022"], regions=[HAIZHU], publish=False)
    d07 = _item(actor, "D07", "county")
    switched_off = d07.implementations.get(department__region__code=TIANHE)
    switched_off.active = False
    reference_save(actor=actor, obj=switched_off, changed=["active"])


def test_levels_rank_from_the_province_down():
    assert [level for level, _rank in sorted(LEVEL_RANK.items(), key=lambda p: p[1])] == Region.Level.values
    assert is_higher("city", "county") and is_higher("county", "town") and not is_higher("county", "county")
    assert set(ServiceItem.Level.values) <= set(LEVEL_RANK)


def test_the_check_finds_every_planted_mismatch_and_nothing_else(catalog_admin):
    baseline = _keys(devolution_mismatches())
    _plant(catalog_admin)
    found = _keys(devolution_mismatches())
    assert not baseline & PLANTED
    assert found == baseline | PLANTED


def test_the_reference_catalog_has_its_own_mismatches(db):
    baseline = _keys(devolution_mismatches())
    assert {
        ("prerequisite_higher", "R021", "R022", "", ""),  # 建设工程规划许可 (区) needs 建设用地规划许可 (市)
        ("prerequisite_higher", "R014", "R013", "", ""),  # a street-level item needing a district one
        ("bundle_higher", "R001", "R066", "", ""),  # 开办企业一件事: 公积金缴存登记 stays with the city
        ("department_higher", "R044", "", "440100-FIRE", HAIZHU),  # 娱乐场所: the city's fire brigade countersigns
    } <= baseline
    # Both districts carry the same items, so no district is left behind.
    assert {k for k in baseline if k[0] in ("neighbour_missing", "prerequisite_missing")} == set()


def test_messages_say_what_is_out_of_step(catalog_admin):
    _plant(catalog_admin)
    messages = {
        f.key(): f.message for f in devolution_mismatches(items=ServiceItem.objects.filter(code__startswith="D"))
    }
    assert (
        "「R022 建设用地规划许可证核发」在市级实施，高于本事项的区/县级"
        in messages[("prerequisite_higher", "D01", "R022", "", "")]
    )
    assert messages[("department_higher", "D01", "", "440100-FIRE", HAIZHU)] == (
        "在海珠区实施，参与审批的广州市消防救援支队为市级部门，高于实施区划的区/县级"
    )
    assert messages[("neighbour_missing", "D02", "", "", TIANHE)] == "已下放至海珠区实施，同属广州市的天河区未实施"
    assert "在天河区及其上级区划均无实施" in messages[("prerequisite_missing", "D03", "D02", "", TIANHE)]
    assert (
        "同一件事（测试一件事）中的「R001 有限责任公司设立登记」" in messages[("bundle_higher", "D04", "R001", "", "")]
    )


def test_stored_findings_follow_every_catalog_write(catalog_admin):
    assert _stored() == _keys(devolution_mismatches())  # as loaded
    _plant(catalog_admin)  # publications, implementations, a bundle, a process
    assert _stored() == _keys(devolution_mismatches())
    assert _stored() >= PLANTED
    # Raising R022 to the district puts D01 and R021 in step with it.
    item_update(actor=catalog_admin, item=ServiceItem.objects.get(code="R022"), level="county")
    assert not {k for k in _stored() if k[2] == "R022"}
    assert _stored() == _keys(devolution_mismatches())


def test_publication_replaces_the_items_findings_and_audits_them(catalog_admin):
    d01 = _item(catalog_admin, "D01", "county", prerequisites=["R022"])
    assert _stored() >= {("prerequisite_higher", "D01", "R022", "", "")}
    first = d01.devolution_findings.get()
    draft = item_version_draft(actor=catalog_admin, item=d01)
    item_version_update(actor=catalog_admin, version=draft, prerequisites=[ServiceItem.objects.get(code="R001")])
    item_version_publish(actor=catalog_admin, version=draft)
    assert not d01.devolution_findings.exists()
    assert not DevolutionFinding.objects.filter(pk=first.pk).exists()
    entries = AuditEntry.objects.filter(action="catalog.devolution_refresh").order_by("at", "seq")
    assert [e.data for e in entries][-2:] == [
        {"added": ["prerequisite_higher:D01/R022"], "removed": []},
        {"added": [], "removed": ["prerequisite_higher:D01/R022"]},
    ]
    publication = AuditEntry.objects.get(action="catalog.version_publish", target_id=str(draft.pk))
    assert publication.data["devolution_findings"] == 0


def test_a_finding_found_again_keeps_its_date(catalog_admin):
    row = DevolutionFinding.objects.get(kind="prerequisite_higher", item__code="R021")
    item = ServiceItem.objects.get(code="R021")
    draft = item_version_draft(actor=catalog_admin, item=item)
    item_version_publish(actor=catalog_admin, version=draft)
    assert DevolutionFinding.objects.get(kind="prerequisite_higher", item=item).found_at == row.found_at


# --- yiwang catalog check-devolution


def _run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("catalog", "check-devolution", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_the_command_prints_every_finding_and_exits_1(catalog_admin):
    _plant(catalog_admin)
    out, code = _run()
    assert code == 1
    total = len(devolution_mismatches())
    assert out.startswith(f"放权同步检查：共 {total} 处（")
    assert "[相邻区县未同步下放] D02 测试事项D02：已下放至海珠区实施，同属广州市的天河区未实施" in out
    assert len(out.strip().splitlines()) == total + 1


def test_the_command_speaks_json(catalog_admin):
    _plant(catalog_admin)
    out, code = _run("--json")
    assert code == 1
    rows = json.loads(out)
    assert {(r["kind"], r["item"], r["related_item"], r["department"], r["region"]) for r in rows} == _keys(
        devolution_mismatches()
    )
    assert {"kind_label": "前置事项本地无实施", "item_name": "测试事项D03"}.items() <= next(
        r for r in rows if r["item"] == "D03"
    ).items()


def test_the_command_exits_0_when_the_items_are_in_step(db):
    out, code = _run("--item", "R002", "--item", "R003")
    assert (out.strip(), code) == ("放权同步检查：未发现问题", 0)
    out, code = _run("--json", "--item", "R002")
    assert (json.loads(out), code) == ([], 0)
    assert _run("--item", "R044")[1] == 1
    assert _run("--item", "NOPE")[1] == 2


def test_yiwang_catalog_check_devolution_exits_1(db, capsys):
    with pytest.raises(SystemExit) as exit:
        yiwang(["yiwang", "catalog", "check-devolution", "--item", "R044"])
    assert exit.value.code == 1
    assert "参与审批的广州市消防救援支队为市级部门" in capsys.readouterr().out


# --- the admin


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


REPORT = "admin:catalog_devolutionfinding_changelist"
RECHECK = "admin:catalog_devolutionfinding_recheck"


def test_the_report_lists_every_finding(admin_client, catalog_admin, django_assert_max_num_queries):
    _plant(catalog_admin)
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse(REPORT))
    assert page.status_code == 200
    assert page.context["cl"].result_count == DevolutionFinding.objects.count() == len(devolution_mismatches())
    text = page.content.decode()
    assert "放权同步检查" in text and "重新检查全部事项" in text
    assert "已下放至海珠区实施，同属广州市的天河区未实施" in text
    only = admin_client.get(reverse(REPORT), {"kind__exact": "department_higher"})
    assert {f.item.code for f in only.context["cl"].result_list} == {"D01", "R044"}
    one = DevolutionFinding.objects.filter(item__code="D01").first()
    assert admin_client.get(reverse("admin:catalog_devolutionfinding_change", args=[one.pk])).status_code == 200


def test_the_items_page_shows_its_findings(admin_client):
    r021 = ServiceItem.objects.get(code="R021")
    page = admin_client.get(reverse("admin:catalog_serviceitem_change", args=[r021.pk])).content.decode()
    assert "前置事项层级更高：前置事项「R022 建设用地规划许可证核发」在市级实施，高于本事项的区/县级" in page
    assert f"{reverse(REPORT)}?item__id__exact={r021.pk}" in page
    listed = admin_client.get(reverse(REPORT), {"item__id__exact": r021.pk})
    assert [f.item for f in listed.context["cl"].result_list] == [r021]
    r002 = ServiceItem.objects.get(code="R002")
    assert (
        "未发现放权不同步"
        in admin_client.get(reverse("admin:catalog_serviceitem_change", args=[r002.pk])).content.decode()
    )


def test_recheck_rebuilds_the_report(admin_client, superuser):
    expected = _stored()
    DevolutionFinding.objects.all().delete()  # as after a department moved, which no catalog service sees
    assert admin_client.get(reverse(RECHECK)).status_code == 405
    response = admin_client.post(reverse(RECHECK))
    assert response.status_code == 302 and response.url == reverse(REPORT)
    assert _stored() == expected
    entry = AuditEntry.objects.filter(action="catalog.devolution_recheck").latest("at")
    assert entry.actor == superuser and entry.data == {"findings": len(expected), "added": len(expected), "removed": 0}


def test_the_report_is_the_admins(client, catalog_admin, citizen):
    client.force_login(catalog_admin)  # staff, but the admin grants it no tables: it works in the workbench
    assert client.get(reverse(REPORT)).status_code == 403
    assert client.post(reverse(RECHECK)).status_code == 403
    client.force_login(citizen)
    assert client.post(reverse(RECHECK)).status_code == 302  # to the admin's login
    assert DevolutionFinding.objects.count() == len(devolution_mismatches())
