"""The category tree as one Excel sheet, like the catalog's workbook: export it, edit it, import it back.

One row per category: code, name, the parent's code, the kind of department it goes to by default, whether it is
in use, its place in the list. A heading reads "中文名 key" as in the catalog's workbook (docs/catalog-excel.md):
import matches on the key, so a reworded heading or a reordered sheet still imports.

Import adds the categories it does not know, updates the ones it does and deactivates those marked 启用=否; a
category missing from the file is left as it is (the tree keeps every category work orders were filed under).
Every row is checked first, against the file and the database together: an unknown parent, a code given twice, a
cycle of parents, an unknown department kind, a category in use under one out of use, and the deactivation of a
category that still has open work orders. Any problem refuses the whole file, listing each by row, and nothing
changes; a clean file is written in one transaction, one audit entry per category it changed.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from yiwang.core.audit import audit_record
from yiwang.core.errors import PermissionDenied
from yiwang.core.excel import (
    Boolean,
    Column,
    ImportFailed,
    Integer,
    Issues,
    Row,
    Text,
    model_issues,
    read_workbook,
    write_sheet,
)
from yiwang.core.permissions import can_do
from yiwang.org.models import Department

from .models import Category, WorkOrder

SHEET = "工单分类"
COLUMNS = (
    Column("code", "分类编码", Text(required=True)),
    Column("name", "名称", Text(required=True)),
    Column("parent", "上级分类编码", Text()),
    Column("department_kind", "默认承办部门类别", Text()),
    Column("active", "启用", Boolean(blank_means=True)),
    # Blank: a new category goes to the end of the list, an existing one keeps its place.
    Column("position", "顺序", Integer(required=False)),
)
LABELS = {c.key: c.label for c in COLUMNS}
FIELDS = ("name", "parent", "department_kind", "active", "position")
# Orders past these states are settled: the category they were filed under may go out of use.
SETTLED = (WorkOrder.Status.CLOSED, WorkOrder.Status.ANSWERED)


class CategoryImportFailed(ImportFailed):
    code = "category_import_failed"


@dataclass
class CategoryImportSummary:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("新增分类 %(c)d 个，修改 %(u)d 个（其中停用 %(d)d 个），未变化 %(n)d 个") % {
            "c": self.created,
            "u": self.updated,
            "d": self.deactivated,
            "n": self.unchanged,
        }


def require_category_admin(actor) -> None:
    """The category tree is reference data like the catalog, kept by the catalog's administrators; None is the
    system (a console import)."""
    if actor is not None and not can_do(actor, "catalog_maintain"):
        raise PermissionDenied(_("只有管理员可以维护工单分类"))


def categories_export(*, file) -> int:
    """Write the whole tree, each parent before its children, to `file` (a path or a binary file object)."""
    rows = _tree_order(list(Category.objects.select_related("parent")))
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_sheet(workbook, SHEET, COLUMNS, (_values(category) for category in rows))
    workbook.save(file)
    return len(rows)


def _values(category: Category) -> dict:
    return {
        "code": category.code,
        "name": category.name,
        "parent": category.parent.code if category.parent_id else "",
        "department_kind": category.department_kind,
        "active": category.active,
        "position": category.position,
    }


def categories_import(*, actor, file, dry_run: bool = False) -> CategoryImportSummary:
    """Import a workbook (a path or a binary file object). Raises CategoryImportFailed listing every problem."""
    require_category_admin(actor)
    issues = Issues({SHEET: COLUMNS})
    rows = read_workbook(
        file,
        {SHEET: COLUMNS},
        issues,
        unknown_heading=_("无法识别的列；表头应为「中文名 key」，如「分类编码 code」"),
        optional={"position"},  # a file without the 顺序 column keeps every category's place
    )[SHEET]
    with transaction.atomic():
        existing = {c.code: c for c in Category.objects.select_for_update().order_by("pk")}
        plan = _Plan(rows or [], existing, issues)
        if issues:
            raise CategoryImportFailed(sorted(issues, key=lambda i: (i.row or 0, _column_order(i.column))))
        if dry_run:
            return plan.summary
        plan.apply(actor)
        return plan.summary


def _column_order(label: str) -> int:
    labels = list(LABELS.values())
    return labels.index(label) if label in labels else -1


def _tree_order(categories: list[Category]) -> list[Category]:
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    found: list[Category] = []
    stack = sorted(children.get(None, []), key=lambda c: (c.position, c.code), reverse=True)
    while stack:
        category = stack.pop()
        found.append(category)
        stack.extend(sorted(children.get(category.pk, []), key=lambda c: (c.position, c.code), reverse=True))
    return found


class _Plan:
    """The file's rows checked against each other and the database, and what applying them would change."""

    def __init__(self, rows: list[Row], existing: dict[str, Category], issues: Issues):
        self.rows, self.existing, self.issues = [], existing, issues
        self.summary = CategoryImportSummary()
        seen: dict[str, int] = {}
        for row in rows:
            code = row.values.get("code")
            if not row.ok("code"):
                continue
            if code in seen:
                issues.add(row, "code", _("分类编码与第 %(n)d 行重复") % {"n": seen[code]})
                continue
            seen[code] = row.number
            self.rows.append(row)
        self._check_fields()
        # The tree as it would be: the database's categories with the file's rows laid over them.
        self.parent = {code: (c.parent.code if c.parent_id else "") for code, c in existing.items()}
        self.active = {code: c.active for code, c in existing.items()}
        for row in self.rows:
            self.parent[row.values["code"]] = row.values.get("parent", "") if row.ok("parent") else ""
            self.active[row.values["code"]] = row.values.get("active", True)
        self._check_parents()
        self._check_active()
        if not issues:
            self._count()

    def _check_fields(self) -> None:
        kinds = set(Department.objects.values_list("kind", flat=True).distinct())
        for row in self.rows:
            kind = row.values.get("department_kind")
            if kind and row.ok("department_kind") and kind not in kinds:
                self.issues.add(row, "department_kind", _("未知的部门类别「%(k)s」") % {"k": kind})
            values = row.values
            candidate = Category(
                code=values["code"], name=values.get("name", ""), department_kind=values.get("department_kind", "")
            )
            model_issues(self.issues, row, candidate, exclude=["parent", "position"], fields={k: k for k in LABELS})

    def _check_parents(self) -> None:
        for row in self.rows:
            code, parent = row.values["code"], self.parent[row.values["code"]]
            if not parent or not row.ok("parent"):
                continue
            if parent not in self.parent:
                self.issues.add(row, "parent", _("上级分类「%(p)s」不存在") % {"p": parent})
                continue
            chain, at = [code], parent
            while at and at not in chain:
                chain.append(at)
                at = self.parent.get(at, "")
            if at == code:
                self.issues.add(row, "parent", _("上级分类形成循环：%(c)s") % {"c": " → ".join([*chain, code])})

    def _check_active(self) -> None:
        rows = {row.values["code"]: row for row in self.rows}
        for code, parent in self.parent.items():
            # A category in use under one out of use would be offered to operators under a parent no one sees.
            if parent in self.active and self.active[code] and not self.active[parent]:
                row = rows.get(code) or rows.get(parent)
                if row is not None and row.ok("active", "parent"):
                    self.issues.add(
                        row,
                        "active",
                        _("分类「%(c)s」启用，但其上级分类「%(p)s」停用") % {"c": code, "p": parent},
                    )
        leaving = [
            code
            for code, row in rows.items()
            if not self.active[code] and code in self.existing and self.existing[code].active
        ]
        open_orders = dict(
            Category.objects.filter(code__in=leaving)
            .annotate(n=Count("workorder", filter=~Q(workorder__status__in=SETTLED)))
            .filter(n__gt=0)
            .values_list("code", "n")
        )
        for code, n in open_orders.items():
            self.issues.add(rows[code], "active", _("该分类下还有 %(n)d 件未办结的工单，不能停用") % {"n": n})

    def _count(self) -> None:
        for row in self.rows:
            current = self.existing.get(row.values["code"])
            if current is None:
                self.summary.created += 1
            elif self._changes(row, current):
                self.summary.updated += 1
                self.summary.deactivated += int(current.active and not row.values["active"])
            else:
                self.summary.unchanged += 1

    def _changes(self, row: Row, current: Category) -> dict:
        wanted = self._wanted(row, current)
        now = {
            "name": current.name,
            "parent": current.parent.code if current.parent_id else "",
            "department_kind": current.department_kind,
            "active": current.active,
            "position": current.position,
        }
        return {f: [now[f], wanted[f]] for f in FIELDS if now[f] != wanted[f]}

    def _wanted(self, row: Row, current: Category | None) -> dict:
        position = row.values.get("position")
        if position is None:
            position = current.position if current else None
        return {
            "name": row.values["name"],
            "parent": row.values["parent"],
            "department_kind": row.values["department_kind"],
            "active": row.values["active"],
            "position": position,
        }

    def _depth(self, code: str) -> int:
        depth, at = 0, self.parent.get(code, "")
        while at:
            depth, at = depth + 1, self.parent.get(at, "")
        return depth

    def apply(self, actor) -> None:
        """Parents before children, so a new parent exists by the time its first child points at it."""
        by_code = dict(self.existing)
        end = max((c.position for c in by_code.values()), default=0)
        for row in sorted(self.rows, key=lambda r: (self._depth(r.values["code"]), r.number)):
            code, current = row.values["code"], by_code.get(row.values["code"])
            wanted = self._wanted(row, current)
            if wanted["position"] is None:
                end += 1
                wanted["position"] = end
            changes = self._changes(row, current) if current else {f: [None, wanted[f]] for f in FIELDS}
            if not changes:
                continue
            category = current or Category(code=code)
            category.name, category.department_kind = wanted["name"], wanted["department_kind"]
            category.active, category.position = wanted["active"], wanted["position"]
            category.parent = by_code[wanted["parent"]] if wanted["parent"] else None
            category.save()
            by_code[code] = category
            audit_record(
                actor=actor,
                action="hotline.category_update" if current else "hotline.category_create",
                target=category,
                data={"code": code, "changes": changes, "source": "excel"},
            )
