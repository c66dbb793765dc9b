"""What a read workbook means against the database: checked row by row and across sheets, then applied
through the catalog services."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError, PrerequisiteCycle, ValidationFailed
from yiwang.core.excel import Issue, Issues, Row, model_issues
from yiwang.org.models import Department

from ..forms_schema import check_example
from ..models import (
    Bundle,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    MaterialSpec,
    ServiceItem,
)
from ..services import (
    MATERIAL_FIELDS,
    VERSION_FIELDS,
    bundle_save,
    item_create,
    item_version_draft,
    item_version_publish,
    item_version_update,
    reference_save,
)
from .layout import (
    BUNDLE_FIELDS,
    BUNDLES,
    IMPLEMENTATION_FIELDS,
    IMPLEMENTATIONS,
    ITEM_FIELDS,
    ITEMS,
    LICENCE_TYPES,
    MATERIALS,
    SHEETS,
    CatalogImportFailed,
    _bundle_values,
    _implementation_values,
    _label,
)


@dataclass
class ImportSummary:
    items_created: int = 0
    versions_published: int = 0
    items_unchanged: int = 0
    implementations_saved: int = 0
    bundles_saved: int = 0
    licence_types_saved: int = 0

    def __str__(self) -> str:
        return _(
            "新增事项 %(created)d 个，发布新版本 %(published)d 个，未变化事项 %(unchanged)d 个；"
            "实施清单写入 %(impl)d 条，一件事写入 %(bundles)d 个，证照类型写入 %(lt)d 个"
        ) % {
            "created": self.items_created,
            "published": self.versions_published,
            "unchanged": self.items_unchanged,
            "impl": self.implementations_saved,
            "bundles": self.bundles_saved,
            "lt": self.licence_types_saved,
        }


def _shortest_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    parent: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        for nxt in edges.get(node, []):
            if nxt == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                cycle = list(reversed(path))
                first = cycle.index(min(cycle))
                cycle = cycle[first:] + cycle[:first]
                return [*cycle, cycle[0]]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


class _Plan:
    """What a file means against the database: validated on construction, written by apply()."""

    def __init__(self, sheets: dict[str, list[Row] | None], issues: Issues):
        self.issues = issues
        # A reference into an unreadable sheet cannot be judged; reporting it would bury the real problem.
        self.unreadable = {sheet for sheet, rows in sheets.items() if rows is None}
        self.sheets = {sheet: rows or [] for sheet, rows in sheets.items()}
        self.existing = {
            item.code: item
            for item in ServiceItem.objects.select_related("current_version__result_licence_type").prefetch_related(
                "current_version__prerequisites", "current_version__materials__licence_type"
            )
        }
        self.drafts = dict(
            ItemVersion.objects.filter(status=ItemVersion.Status.DRAFT).values_list("item__code", "number")
        )
        self.departments = {d.code: d for d in Department.objects.select_related("region")}
        self.department_kinds = {d.kind for d in self.departments.values()}
        self.licence_types = {lt.code: lt for lt in LicenceType.objects.all()}
        self.licence_rows = self._unique(LICENCE_TYPES, "code")
        self.item_rows = self._unique(ITEMS, "code")
        self.materials: dict[str, list[Row]] = {}
        self.changed: list[Row] = []
        self.new: list[Row] = []
        self.unchanged = 0
        self.implementations: list[Row] = []
        self.bundles: list[Row] = []
        self._check_licence_types()
        self._check_items()
        self._check_materials()
        self._check_cycles()
        self._check_implementations()
        self._check_bundles()
        self._classify_items()

    def _unique(self, sheet: str, key: str) -> dict[str, Row]:
        seen: dict[str, Row] = {}
        for row in self.sheets.get(sheet, []):
            if not row.ok(key):
                continue
            code = row.values[key]
            if code in seen:
                self.issues.add(row, key, _("编码 %(code)s 与第 %(n)d 行重复") % {"code": code, "n": seen[code].number})
            else:
                seen[code] = row
        return seen

    def _known_licence(self, code: str) -> bool:
        return LICENCE_TYPES in self.unreadable or code in self.licence_types or code in self.licence_rows

    def _known_item(self, code: str) -> bool:
        return ITEMS in self.unreadable or code in self.existing or code in self.item_rows

    def _check_licence_types(self) -> None:
        for row in self.licence_rows.values():
            v = row.values
            model_issues(
                self.issues,
                row,
                LicenceType(code=v["code"], name=v.get("name", ""), validity_years=v.get("validity_years")),
                exclude=[],
                fields={"code": "code", "name": "name", "validity_years": "validity_years"},
            )

    def _check_items(self) -> None:
        for code, row in self.item_rows.items():
            v = row.values
            if row.ok("department_kind") and v["department_kind"] not in self.department_kinds:
                self.issues.add(
                    row,
                    "department_kind",
                    _("未知的部门类别 %(kind)s（须与部门的类别一致，如 SAMR）") % {"kind": v["department_kind"]},
                )
            if (
                row.ok("result_licence_type")
                and v["result_licence_type"]
                and not self._known_licence(v["result_licence_type"])
            ):
                self.issues.add(
                    row, "result_licence_type", _("未知的证照类型编码 %(code)s") % {"code": v["result_licence_type"]}
                )
            if row.ok("prerequisites"):
                unknown = [c for c in v["prerequisites"] if not self._known_item(c)]
                if unknown:
                    self.issues.add(
                        row, "prerequisites", _("未知的事项编码：%(codes)s") % {"codes": "、".join(unknown)}
                    )
            if (
                row.ok("statutory_days", "promised_days")
                and v["statutory_days"] is not None
                and v["promised_days"] > v["statutory_days"]
            ):
                self.issues.add(
                    row, "promised_days", _("承诺时限不得超过法定时限（%(n)d 个工作日）") % {"n": v["statutory_days"]}
                )
            item_values = {f: v.get(f, "") for f in ("code", *ITEM_FIELDS)}
            model_issues(
                self.issues,
                row,
                ServiceItem(**item_values),
                exclude=["current_version"],
                fields={f: f for f in item_values},
            )
            version_values = {f: v[f] for f in VERSION_FIELDS if f != "result_licence_type" and row.ok(f)}
            model_issues(
                self.issues,
                row,
                ItemVersion(**version_values),
                exclude=[
                    "item",
                    "number",
                    "created_by",
                    "published_by",
                    "result_licence_type",
                    *(f for f in VERSION_FIELDS if not row.ok(f)),
                ],
                fields={f: f for f in VERSION_FIELDS},
            )
            if row.ok("form_schema", "form_example") and v["form_example"]:
                try:
                    check_example(v["form_schema"], v["form_example"])
                except ValidationFailed as exc:
                    self.issues.add(row, "form_example", "；".join(exc.fields["form_example"]))
            existing = self.existing.get(code)
            if existing is not None:
                for f in ITEM_FIELDS:
                    if row.ok(f) and getattr(existing, f) != v[f]:
                        self.issues.add(
                            row,
                            f,
                            _("与现有事项不一致（现为「%(old)s」）；事项基本信息不能通过导入修改")
                            % {"old": _display(existing, f)},
                        )

    def _check_materials(self) -> None:
        positions: dict[tuple[str, int], Row] = {}
        for row in self.sheets.get(MATERIALS, []):
            v = row.values
            if row.ok("item") and ITEMS not in self.unreadable and v["item"] not in self.item_rows:
                self.issues.add(
                    row, "item", _("事项 %(code)s 不在「事项」表中；材料随事项一起导入") % {"code": v["item"]}
                )
            if row.ok("item", "position"):
                key = (v["item"], v["position"])
                if key in positions:
                    self.issues.add(row, "position", _("序号与第 %(n)d 行重复") % {"n": positions[key].number})
                positions.setdefault(key, row)
            if row.ok("licence_type") and v["licence_type"] and not self._known_licence(v["licence_type"]):
                self.issues.add(row, "licence_type", _("未知的证照类型编码 %(code)s") % {"code": v["licence_type"]})
            if (
                row.ok("source", "licence_type")
                and v["source"] == MaterialSpec.Source.LICENCE
                and not v["licence_type"]
            ):
                self.issues.add(row, "licence_type", _("来源为电子证照的材料必须指定证照类型"))
            if (
                row.ok("source", "shared_source")
                and v["source"] == MaterialSpec.Source.SHARED
                and not v["shared_source"]
            ):
                self.issues.add(row, "shared_source", _("来源为共享数据的材料必须指定数据来源"))
            values = {f: v[f] for f in MATERIAL_FIELDS if f != "licence_type" and row.ok(f)}
            model_issues(
                self.issues,
                row,
                MaterialSpec(position=v.get("position") or 1, **values),
                exclude=["version", "licence_type", *(f for f in MATERIAL_FIELDS if not row.ok(f))],
                fields={f: f for f in MATERIAL_FIELDS},
            )
            if row.ok("item"):
                self.materials.setdefault(v["item"], []).append(row)

    def _prerequisite_graph(self) -> dict[str, list[str]]:
        edges = {
            code: [p.code for p in item.current_version.prerequisites.all()]
            for code, item in self.existing.items()
            if item.current_version
        }
        for code, row in self.item_rows.items():
            edges[code] = row.values["prerequisites"] if row.ok("prerequisites") else []
        return edges

    def _check_cycles(self) -> None:
        edges = self._prerequisite_graph()
        for code, row in self.item_rows.items():
            cycle = _shortest_cycle(code, edges) if row.ok("prerequisites") else None
            if cycle:
                self.issues.add(
                    row,
                    "prerequisites",
                    _("前置条件形成循环（互为前置），不能发布：%(cycle)s") % {"cycle": " → ".join(cycle)},
                )

    def _check_implementations(self) -> None:
        seen: dict[tuple[str, str], Row] = {}
        for row in self.sheets.get(IMPLEMENTATIONS, []):
            v = row.values
            if row.ok("item") and not self._known_item(v["item"]):
                self.issues.add(row, "item", _("未知的事项编码 %(code)s") % {"code": v["item"]})
            if row.ok("department") and v["department"] not in self.departments:
                self.issues.add(row, "department", _("未知的部门编码 %(code)s") % {"code": v["department"]})
            if row.ok("item", "department"):
                key = (v["item"], v["department"])
                if key in seen:
                    self.issues.add(row, "department", _("同一事项同一部门与第 %(n)d 行重复") % {"n": seen[key].number})
                seen.setdefault(key, row)
            values = {f: v[f] for f in IMPLEMENTATION_FIELDS if row.ok(f)}
            model_issues(
                self.issues,
                row,
                ItemImplementation(**values),
                exclude=["item", "department", "code", *(f for f in IMPLEMENTATION_FIELDS if not row.ok(f))],
                fields={f: f for f in IMPLEMENTATION_FIELDS},
            )
            self.implementations.append(row)

    def _check_bundles(self) -> None:
        for row in self._unique(BUNDLES, "code").values():
            v = row.values
            if row.ok("items"):
                unknown = [c for c in v["items"] if not self._known_item(c)]
                if unknown:
                    self.issues.add(row, "items", _("未知的事项编码：%(codes)s") % {"codes": "、".join(unknown)})
            values = {f: v[f] for f in ("code", *BUNDLE_FIELDS) if row.ok(f)}
            model_issues(
                self.issues,
                row,
                Bundle(**values),
                exclude=[f for f in ("code", *BUNDLE_FIELDS) if not row.ok(f)],
                fields={f: f for f in ("code", *BUNDLE_FIELDS)},
            )
            self.bundles.append(row)

    def _classify_items(self) -> None:
        for code, row in self.item_rows.items():
            if row.bad or any(m.bad for m in self.materials.get(code, [])):
                continue
            existing = self.existing.get(code)
            if existing is None:
                self.new.append(row)
            elif existing.current_version is None or _version_state(existing.current_version) != self._row_state(row):
                if code in self.drafts:
                    self.issues.add(
                        row,
                        "code",
                        _("该事项有未发布的草稿（v%(n)d），请先在管理后台发布或处理后再导入")
                        % {"n": self.drafts[code]},
                    )
                self.changed.append(row)
            else:
                self.unchanged += 1

    def _row_state(self, row: Row) -> dict:
        v = row.values
        materials = sorted(self.materials.get(v["code"], []), key=lambda m: m.values["position"])
        return {
            "fields": {f: v[f] for f in VERSION_FIELDS},
            "materials": [tuple(m.values[f] for f in MATERIAL_FIELDS) for m in materials],
            "prerequisites": sorted(v["prerequisites"]),
        }

    def summary(self) -> ImportSummary:
        return ImportSummary(
            items_created=len(self.new),
            versions_published=len(self.new) + len(self.changed),
            items_unchanged=self.unchanged,
        )

    def _publish_order(self) -> list[Row]:
        """Prerequisites before the items that need them, so no publication meets a half-updated graph."""
        edges = self._prerequisite_graph()
        wanted = {row.values["code"]: row for row in [*self.new, *self.changed]}
        order: list[Row] = []
        done: set[str] = set()

        def visit(code: str) -> None:
            stack = [(code, iter(edges.get(code, [])))]
            done.add(code)
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    if node in wanted:
                        order.append(wanted[node])
                elif child not in done:
                    done.add(child)
                    stack.append((child, iter(edges.get(child, []))))

        for code in sorted(wanted):
            if code not in done:
                visit(code)
        return order

    def apply(self, actor) -> ImportSummary:
        summary = self.summary()
        summary.licence_types_saved = self._apply_licence_types(actor)
        for row in self.new:
            v = row.values
            self._guard(row, lambda v=v: item_create(actor=actor, code=v["code"], **{f: v[f] for f in ITEM_FIELDS}))
        items = {i.code: i for i in ServiceItem.objects.all()}
        licence_types = {lt.code: lt for lt in LicenceType.objects.all()}
        for row in self._publish_order():
            v = row.values
            item = items[v["code"]]
            fields = {f: v[f] for f in VERSION_FIELDS}
            fields["result_licence_type"] = licence_types.get(v["result_licence_type"])
            materials = [
                {
                    **{f: m.values[f] for f in MATERIAL_FIELDS},
                    "licence_type": licence_types.get(m.values["licence_type"]),
                }
                for m in sorted(self.materials.get(v["code"], []), key=lambda m: m.values["position"])
            ]
            prerequisites = [items[c] for c in v["prerequisites"]]

            def publish(item=item, fields=fields, materials=materials, prerequisites=prerequisites):
                draft = item_version_draft(actor=actor, item=item)
                item_version_update(
                    actor=actor, version=draft, materials=materials, prerequisites=prerequisites, **fields
                )
                item_version_publish(actor=actor, version=draft)

            self._guard(row, publish)
        summary.implementations_saved = self._apply_implementations(actor, items)
        summary.bundles_saved = self._apply_bundles(actor, items)
        return summary

    def _guard(self, row: Row, action: Callable[[], Any]) -> None:
        """Run one service call; its refusal becomes an issue on the row, and the whole import rolls back."""
        try:
            action()
        except PrerequisiteCycle as exc:
            raise CatalogImportFailed(
                [Issue(row.sheet, row.number, _label(row.sheet, "prerequisites"), exc.message)]
            ) from exc
        except DomainError as exc:
            keys = {c.key for c in SHEETS[row.sheet]}
            found = [
                Issue(row.sheet, row.number, _label(row.sheet, name) if name in keys else "", "；".join(msgs))
                for name, msgs in exc.fields.items()
            ]
            raise CatalogImportFailed(found or [Issue(row.sheet, row.number, "", exc.message)]) from exc

    def _apply_licence_types(self, actor) -> int:
        saved = []
        for code, row in self.licence_rows.items():
            values = {"name": row.values["name"], "validity_years": row.values["validity_years"]}
            current = self.licence_types.get(code)
            if current is None or any(getattr(current, f) != val for f, val in values.items()):
                licence = current or LicenceType(code=code)
                for field, value in values.items():
                    setattr(licence, field, value)
                reference_save(actor=actor, obj=licence, changed=list(values))
                saved.append(code)
        return len(saved)

    def _apply_implementations(self, actor, items: dict[str, ServiceItem]) -> int:
        current = {
            (impl.item.code, impl.department.code): impl
            for impl in ItemImplementation.objects.select_related("item", "department__region")
        }
        created, updated = [], []
        for row in self.implementations:
            v = row.values
            values = {f: v[f] for f in IMPLEMENTATION_FIELDS}
            impl = current.get((v["item"], v["department"]))
            if impl is None:
                impl = ItemImplementation(item=items[v["item"]], department=self.departments[v["department"]], **values)
                reference_save(actor=actor, obj=impl)
                created.append(impl.code)
            elif _implementation_values(impl) != values:
                for f, val in values.items():
                    setattr(impl, f, val)
                reference_save(actor=actor, obj=impl, changed=list(values))
                updated.append(impl.code)
        return len(created) + len(updated)

    def _apply_bundles(self, actor, items: dict[str, ServiceItem]) -> int:
        current = {b.code: b for b in Bundle.objects.prefetch_related("entries__item")}
        saved = 0
        for row in self.bundles:
            v = row.values
            wanted = {f: v[f] for f in ("code", *BUNDLE_FIELDS, "items")}
            bundle = current.get(v["code"])
            if bundle is not None and _bundle_values(bundle) == wanted:
                continue
            self._guard(
                row,
                lambda v=v: bundle_save(
                    actor=actor,
                    code=v["code"],
                    items=[items[c] for c in v["items"]],
                    **{f: v[f] for f in BUNDLE_FIELDS},
                ),
            )
            saved += 1
        return saved


def _display(obj, name: str) -> str:
    getter = getattr(obj, f"get_{name}_display", None)
    return str(getter()) if getter else str(getattr(obj, name))


def _version_state(version: ItemVersion) -> dict:
    fields = {f: getattr(version, f) for f in VERSION_FIELDS}
    fields["result_licence_type"] = version.result_licence_type.code if version.result_licence_type else ""
    for f, value in fields.items():
        if isinstance(value, str):
            fields[f] = value.strip()
    materials = [
        (
            m.name.strip(),
            m.required,
            m.form,
            m.source,
            m.licence_type.code if m.licence_type else "",
            m.shared_source.strip(),
            m.tolerable,
            m.commitment,
        )
        for m in sorted(version.materials.all(), key=lambda m: m.position)
    ]
    return {
        "fields": fields,
        "materials": materials,
        "prerequisites": sorted(p.code for p in version.prerequisites.all()),
    }
