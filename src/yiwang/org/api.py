from ninja import Router, Schema

from yiwang.core.api_schemas import Text, answers

from . import selectors

router = Router(tags=["组织机构"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class DepartmentOut(Schema):
    code: str
    name: str
    kind: str
    region_code: str
    full_name: str

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_full_name(obj):
        return str(obj)


@router.get("/regions", response=answers(list[RegionOut]), summary="行政区划列表")
def regions(request, parent: Text | None = None, level: Text | None = None):
    return selectors.region_list(parent_code=parent, level=level)


@router.get("/regions/{code}", response=answers(RegionOut, 404), summary="行政区划")
def region(request, code: Text):
    return selectors.region_detail(code=code)


@router.get("/departments", response=answers(list[DepartmentOut]), summary="部门列表")
def departments(request, region: Text | None = None, kind: Text | None = None):
    return selectors.department_list(region_code=region, kind=kind)


@router.get("/departments/{code}", response=answers(DepartmentOut, 404), summary="部门")
def department(request, code: Text):
    return selectors.department_detail(code=code)
