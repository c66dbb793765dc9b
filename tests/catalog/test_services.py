"""Catalog versioning (published is immutable; older versions stay readable) and prerequisite cycles."""

import pytest

from yiwang.catalog import selectors
from yiwang.catalog.models import Bundle, ItemVersion, MaterialSpec, ServiceItem, Synonym
from yiwang.catalog.services import (
    bundle_delete,
    bundle_save,
    item_create,
    item_update,
    item_version_discard,
    item_version_draft,
    item_version_publish,
    item_version_update,
    reference_delete,
    reference_save,
)
from yiwang.core.errors import ImmutableVersion, PermissionDenied, PrerequisiteCycle, ValidationFailed
from yiwang.core.models import AuditEntry


def _item(code):
    return ServiceItem.objects.get(code=code)


def test_published_version_refuses_every_change(db):
    version = _item("R005").current_version
    version.fee = "100元"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.delete()
    material = version.materials.first()
    material.name = "改过的材料"
    with pytest.raises(ImmutableVersion):
        material.save()
    with pytest.raises(ImmutableVersion):
        MaterialSpec.objects.create(version=version, position=99, name="新材料")
    with pytest.raises(ImmutableVersion):
        item_version_update(actor=None, version=version, fee="100元")
    version.refresh_from_db()
    assert version.fee == "免费"


def test_draft_edit_publish_keeps_the_old_version_readable(catalog_admin):
    item = _item("R005")
    v1 = item.current_version
    draft = item_version_draft(actor=catalog_admin, item=item)
    assert draft.number == 2 and draft.status == ItemVersion.Status.DRAFT
    assert [m.name for m in draft.materials.all()] == [m.name for m in v1.materials.all()]
    assert set(draft.prerequisites.all()) == set(v1.prerequisites.all())
    assert item_version_draft(actor=catalog_admin, item=item) == draft  # one open draft at a time

    item_version_update(
        actor=catalog_admin,
        version=draft,
        promised_days=3,
        materials=[{"name": "食品经营许可申请书", "required": True}],
    )
    item_version_publish(actor=catalog_admin, version=draft)

    item.refresh_from_db()
    assert item.current_version.number == 2
    _, current = selectors.item_guide(code="R005")
    assert current.promised_days == 3 and current.materials.count() == 1
    _, old = selectors.item_guide(code="R005", version_number=1)
    assert old.promised_days == 5 and old.materials.count() == 5
    assert [v.number for v in selectors.published_versions(item=item)] == [2, 1]
    actions = list(AuditEntry.objects.filter(target_id=str(draft.pk)).values_list("action", flat=True))
    assert set(actions) == {"catalog.version_draft", "catalog.version_update", "catalog.version_publish"}


def test_drafts_are_not_public(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R031"))
    from yiwang.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.item_guide(code="R031", version_number=draft.number)


def test_cycle_is_refused_and_named(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R023"))
    item_version_update(actor=catalog_admin, version=draft, prerequisites=[_item("R026"), _item("R021")])
    with pytest.raises(PrerequisiteCycle) as exc:
        item_version_publish(actor=catalog_admin, version=draft)
    assert "R021 → R022 → R023 → R021" in exc.value.message
    assert exc.value.details["cycle"] == ["R021", "R022", "R023", "R021"]
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.DRAFT
    assert _item("R023").current_version.number == 1


def test_mutual_prerequisites_are_refused(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R001"))
    item_version_update(actor=catalog_admin, version=draft, prerequisites=[_item("R005")])
    with pytest.raises(PrerequisiteCycle, match="R001 → R005 → R001"):
        item_version_publish(actor=catalog_admin, version=draft)


def test_self_prerequisite_is_refused(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R040"))
    item_version_update(actor=catalog_admin, version=draft, prerequisites=[_item("R040")])
    with pytest.raises(PrerequisiteCycle, match="R040 → R040"):
        item_version_publish(actor=catalog_admin, version=draft)


def test_promise_cannot_exceed_the_law(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R005"))
    item_version_update(actor=catalog_admin, version=draft, promised_days=11)
    with pytest.raises(ValidationFailed) as exc:
        item_version_publish(actor=catalog_admin, version=draft)
    assert "promised_days" in exc.value.fields


def test_bad_field_values_name_the_field(catalog_admin):
    draft = item_version_draft(actor=catalog_admin, item=_item("R005"))
    with pytest.raises(ValidationFailed) as exc:
        item_version_update(actor=catalog_admin, version=draft, online_depth=7)
    assert "online_depth" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        item_version_update(actor=catalog_admin, version=draft, materials=[{"name": "证", "source": "licence"}])
    assert "licence_type" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        item_version_update(actor=catalog_admin, version=draft, form_schema={"type": "array"})
    assert "form_schema" in exc.value.fields


def test_only_catalog_admins_write(samr_reviewer, citizen):
    for actor in (samr_reviewer, citizen):
        with pytest.raises(PermissionDenied):
            item_version_draft(actor=actor, item=_item("R005"))
        with pytest.raises(PermissionDenied):
            item_create(
                actor=actor,
                code="X1",
                name="x",
                kind="licensing",
                department_kind="SAMR",
                level="county",
                audience="enterprise",
            )


def test_new_item_from_nothing_to_published(catalog_admin):
    item = item_create(
        actor=catalog_admin,
        code="L001",
        name="临时占道摆卖审批",
        kind="licensing",
        department_kind="URBAN",
        level="county",
        audience="person",
    )
    draft = item_version_draft(actor=catalog_admin, item=item)
    with pytest.raises(ValidationFailed) as exc:
        item_version_publish(actor=catalog_admin, version=draft)
    assert exc.value.fields == {"legal_basis": ["发布前必须填写设定依据"]}
    item_version_update(
        actor=catalog_admin,
        version=draft,
        legal_basis="《城市道路管理条例》第三十一条",
        promised_days=3,
        statutory_days=20,
        online_depth=3,
    )
    item_version_publish(actor=catalog_admin, version=draft)
    assert selectors.item_guide(code="L001")[1].number == 1
    with pytest.raises(ValidationFailed):
        item_create(
            actor=catalog_admin,
            code="L001",
            name="重复",
            kind="licensing",
            department_kind="URBAN",
            level="county",
            audience="person",
        )


def test_bundle_lists_items_in_prerequisite_order(catalog_admin):
    bundle_save(
        actor=catalog_admin,
        code="B99",
        name="先后颠倒的一件事",
        audience="enterprise",
        items=[_item("R005"), _item("R001")],
    )
    _, items = selectors.bundle_detail(code="B99")
    assert [i.code for i in items] == ["R001", "R005"]
    with pytest.raises(ValidationFailed):
        bundle_save(actor=catalog_admin, code="B98", name="空", audience="person", items=[])


def test_statutory_default_is_twenty_working_days(db):
    version = _item("R013").current_version  # the reference leaves the limit to the law
    assert version.statutory_days is None
    assert version.effective_statutory_days == 20
    assert version.is_instant


def test_item_update_keeps_the_code_and_reindexes(catalog_admin):
    from yiwang.catalog.search import search

    item = item_update(actor=catalog_admin, item=_item("R050"), name="临时占用城市道路许可（夜市摊位）")
    assert item.code == "R050"
    assert any(hit.code == "R050" for hit in search("夜市摊位"))
    with pytest.raises(ValueError):
        item_update(actor=catalog_admin, item=item, code="R999")
    with pytest.raises(ValidationFailed) as exc:
        item_update(actor=catalog_admin, item=item, kind="nonsense")
    assert "kind" in exc.value.fields


def test_a_draft_can_be_discarded_a_published_version_cannot(catalog_admin):
    item = _item("R005")
    draft = item_version_draft(actor=catalog_admin, item=item)
    item_version_discard(actor=catalog_admin, version=draft)
    assert not ItemVersion.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ImmutableVersion):
        item_version_discard(actor=catalog_admin, version=item.current_version)
    assert AuditEntry.objects.filter(action="catalog.version_discard", target_id=str(draft.pk)).exists()


def test_reference_rows_are_validated_audited_and_guarded(catalog_admin, samr_reviewer):
    synonym = reference_save(actor=catalog_admin, obj=Synonym(term="开奶茶店", expansions="食品经营 餐饮"))
    assert AuditEntry.objects.filter(action="catalog.synonym_create", target_id=str(synonym.pk)).exists()
    with pytest.raises(ValidationFailed) as exc:
        reference_save(actor=catalog_admin, obj=Synonym(term="开奶茶店", expansions="重复"))
    assert "term" in exc.value.fields
    with pytest.raises(PermissionDenied):
        reference_delete(actor=samr_reviewer, obj=synonym)
    with pytest.raises(TypeError):
        reference_save(actor=catalog_admin, obj=_item("R001"))
    reference_delete(actor=catalog_admin, obj=synonym)
    assert not Synonym.objects.filter(term="开奶茶店").exists()


def test_bundle_delete_is_audited(catalog_admin):
    bundle = Bundle.objects.get(code="B08")
    bundle_delete(actor=catalog_admin, bundle=bundle)
    assert not Bundle.objects.filter(code="B08").exists()
    assert AuditEntry.objects.filter(action="catalog.bundle_delete", data__code="B08").exists()
