"""The catalog admin: every screen opens, published versions stay as published, writes go through services."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from yiwang.catalog.models import (
    Bundle,
    ConstructionStage,
    DualNotificationRule,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    SearchEntry,
    ServiceItem,
    Synonym,
    Topic,
)
from yiwang.catalog.services import MATERIAL_FIELDS, item_version_draft, item_version_update
from yiwang.core.models import AuditEntry

MODELS = [
    ServiceItem,
    ItemVersion,
    ItemImplementation,
    Bundle,
    Topic,
    ConstructionStage,
    DualNotificationRule,
    LicenceType,
    Synonym,
]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_and_change_page_opens(admin_client, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "许可"}).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_add_pages_open(admin_client):
    for model in (ServiceItem, ItemImplementation, Bundle, Topic, LicenceType, Synonym):
        assert admin_client.get(_url(model, "add")).status_code == 200
    assert admin_client.get(_url(ItemVersion, "add")).status_code == 403


def test_item_list_links_to_its_versions(admin_client):
    item = ServiceItem.objects.get(code="R005")
    page = admin_client.get(_url(ServiceItem, "changelist"), {"q": "R005"}).content.decode()
    assert _url(ItemVersion, "change", item.current_version_id) in page
    versions = admin_client.get(_url(ItemVersion, "changelist"), {"item__id__exact": item.pk})
    assert versions.status_code == 200
    assert list(versions.context["cl"].result_list) == [item.current_version]


def test_a_published_version_cannot_be_edited(admin_client):
    version = ServiceItem.objects.get(code="R005").current_version
    page = admin_client.get(_url(ItemVersion, "change", version.pk)).content.decode()
    for name in [
        *(f'name="{f}"' for f in ("legal_basis", "promised_days", "fee", "prerequisites")),
        'name="materials-0-name"',
        'name="_save"',
    ]:
        assert name not in page
    assert version.legal_basis in page

    response = admin_client.post(_url(ItemVersion, "change", version.pk), {"legal_basis": "改过了", "promised_days": 1})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.legal_basis != "改过了"
    assert admin_client.get(_url(ItemVersion, "delete", version.pk)).status_code == 403


def _draft_form(version: ItemVersion, **changes) -> dict:
    data = {
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "process_outline": version.process_outline,
        "form_schema": "{}",
        "statutory_days": version.statutory_days or "",
        "promised_days": version.promised_days,
        "fee": version.fee,
        "online_depth": version.online_depth,
        "max_visits": version.max_visits,
        "result_licence_type": version.result_licence_type_id or "",
        "result_description": version.result_description,
        "keywords": version.keywords,
        "sign_off": version.sign_off,
        "prerequisites": [p.pk for p in version.prerequisites.all()],
    }
    materials = list(version.materials.order_by("position"))
    data.update(
        {
            "materials-TOTAL_FORMS": len(materials),
            "materials-INITIAL_FORMS": len(materials),
            "materials-MIN_NUM_FORMS": 0,
            "materials-MAX_NUM_FORMS": 1000,
        }
    )
    for i, m in enumerate(materials):
        data[f"materials-{i}-id"] = m.pk
        data[f"materials-{i}-version"] = version.pk
        data[f"materials-{i}-position"] = m.position
        for f in MATERIAL_FIELDS:
            value = getattr(m, f"{f}_id" if f == "licence_type" else f)
            if f == "required":
                if value:
                    data[f"materials-{i}-{f}"] = "on"
            else:
                data[f"materials-{i}-{f}"] = "" if value is None else value
    data.update(changes)
    return data


def test_saving_a_draft_goes_through_the_service(admin_client, superuser):
    item = ServiceItem.objects.get(code="R005")
    draft = item_version_draft(actor=superuser, item=item)
    data = _draft_form(
        draft, promised_days=2, **{"materials-0-name": "营业执照（电子证照）", "materials-1-DELETE": "on"}
    )
    count = draft.materials.count()
    response = admin_client.post(_url(ItemVersion, "change", draft.pk), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.promised_days == 2
    assert draft.materials.count() == count - 1
    assert draft.materials.get(position=1).name == "营业执照（电子证照）"
    entry = AuditEntry.objects.filter(action="catalog.version_update", target_id=str(draft.pk)).latest("seq")
    assert entry.actor == superuser


def test_a_refused_draft_save_shows_the_reason(admin_client, superuser):
    draft = item_version_draft(actor=superuser, item=ServiceItem.objects.get(code="R005"))
    data = _draft_form(draft, **{"materials-0-source": "shared", "materials-0-shared_source": ""})
    response = admin_client.post(_url(ItemVersion, "change", draft.pk), data)
    assert response.status_code == 302
    assert any("来源为共享数据的材料必须指定数据来源" in m for m in _messages(response))


def test_publishing_a_draft_from_the_admin(admin_client, superuser):
    item = ServiceItem.objects.get(code="R005")
    draft = item_version_draft(actor=superuser, item=item)
    item_version_update(actor=superuser, version=draft, promised_days=4)
    response = admin_client.post(
        _url(ItemVersion, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.current_version_id == draft.pk
    assert item.current_version.published_by == superuser
    assert f"已发布 R005 v{draft.number}" in _messages(response)


def test_a_prerequisite_cycle_is_shown_not_a_500(admin_client, superuser):
    item = ServiceItem.objects.get(code="R023")
    draft = item_version_draft(actor=superuser, item=item)
    item_version_update(actor=superuser, version=draft, prerequisites=[ServiceItem.objects.get(code="R021")])
    response = admin_client.post(
        _url(ItemVersion, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    assert any("R021 → R022 → R023 → R021" in m for m in _messages(response))
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.DRAFT


def test_new_draft_action(admin_client):
    item = ServiceItem.objects.get(code="R010")
    response = admin_client.post(
        _url(ItemVersion, "changelist"), {"action": "open_draft", "_selected_action": [item.current_version_id]}
    )
    assert response.status_code == 302
    draft = item.versions.get(status=ItemVersion.Status.DRAFT)
    assert draft.number == item.current_version.number + 1
    assert admin_client.get(_url(ItemVersion, "change", draft.pk)).content.decode().count('name="legal_basis"') == 1


def test_creating_an_item_goes_through_the_service(admin_client, superuser):
    response = admin_client.post(
        _url(ServiceItem, "add"),
        {
            "code": "T9100",
            "name": "测试许可",
            "kind": "licensing",
            "department_kind": "SAMR",
            "level": "county",
            "audience": "enterprise",
        },
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(code="T9100")
    assert AuditEntry.objects.filter(action="catalog.item_create", target_id=str(item.pk), actor=superuser).exists()


def test_saving_a_bundle_goes_through_bundle_save(admin_client):
    bundle = Bundle.objects.get(code="B01")
    entries = list(bundle.entries.order_by("position"))
    data = {
        "name": "开办企业一件事（新）",
        "audience": bundle.audience,
        "promise": bundle.promise,
        "description": bundle.description,
        "keywords": bundle.keywords,
        "entries-TOTAL_FORMS": len(entries),
        "entries-INITIAL_FORMS": len(entries),
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 1000,
    }
    for i, e in enumerate(reversed(entries)):
        data.update(
            {
                f"entries-{i}-id": e.pk,
                f"entries-{i}-bundle": bundle.pk,
                f"entries-{i}-position": i + 1,
                f"entries-{i}-item": e.item_id,
            }
        )
    response = admin_client.post(_url(Bundle, "change", bundle.pk), data)
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.name == "开办企业一件事（新）"
    assert [e.item_id for e in bundle.entries.order_by("position")] == [e.item_id for e in reversed(entries)]
    assert SearchEntry.objects.get(bundle=bundle).title == "开办企业一件事（新）"
    assert AuditEntry.objects.filter(action="catalog.bundle_update", target_id=str(bundle.pk)).exists()


def test_tables_without_a_service_still_write_audit_entries(admin_client):
    response = admin_client.post(_url(Synonym, "add"), {"term": "开网店", "expansions": "个体工商户 营业执照"})
    assert response.status_code == 302
    synonym = Synonym.objects.get(term="开网店")
    assert AuditEntry.objects.filter(action="catalog.synonym_create", target_id=str(synonym.pk)).exists()
    response = admin_client.post(
        _url(Synonym, "changelist"), {"action": "delete_selected", "_selected_action": [synonym.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Synonym.objects.filter(term="开网店").exists()
    assert AuditEntry.objects.filter(action="catalog.synonym_delete", target_id=str(synonym.pk)).exists()
