"""The five dimensions of online service quality, read from the catalog as it stands (陕西自贸区 paper:
服务方式完备度、服务事项覆盖度、办事指南准确度、在线办理深度（成熟度）、在线服务成效度).

Each is a fraction over the subject's active implementations of published items (实施清单); docs/evaluation.md
writes the formulas out. 成效度 is read from the cases (网办率, 满意率), in sources.py. The 放权同步 check's share
of items in step (devolution_in_step) is read here too: it is the catalog's, not the cases'.
"""

from yiwang.catalog.models import DevolutionFinding

from .subjects import Implementation, Reading, mean, share

# 网办深度 (ItemVersion.online_depth): 1 办事指南, 2 表格下载/预约, 3 在线申报, 4 全程网办. From 3 an applicant can
# apply without going to a hall; the portal offers the online application from that depth.
ONLINE_APPLY_DEPTH = 3
FULL_ONLINE_DEPTH = 4

# 行政许可法 第三十条: the organ publishes 事项、依据、条件、数量、程序、期限 and 需要提交的全部材料的目录 and
# 申请书示范文本. 数量 concerns only licences given in limited numbers, so the guide's seven elements are these
# (GLOSSARY 办事指南: 事项名称、设定依据、受理条件、申请材料、表格、办理流程、办理时限).
GUIDE_ELEMENTS = ("事项名称", "设定依据", "受理条件", "申请材料", "表格", "办理流程", "办理时限")

# The ways one implementation is reachable, each read from the catalog or the hall's timetable. 邮寄送达, 电子送达
# and 进度查询 are offered for every case by the platform itself, so they tell no subject from another.
CHANNELS = ("网上申报", "窗口办理", "网上预约", "电话咨询", "投诉渠道")


def guide_elements(implementation: Implementation) -> dict[str, bool]:
    version = implementation.version
    return {
        "事项名称": bool(implementation.row.item.name.strip()),
        "设定依据": bool(version.legal_basis.strip()),
        "受理条件": bool(version.conditions.strip()),
        "申请材料": implementation.materials > 0,
        "表格": bool((version.form_schema or {}).get("properties")),
        "办理流程": bool(version.process_outline.strip()),
        "办理时限": version.promised_days is not None,
    }


def limits_consistent(implementation: Implementation) -> bool:
    """承诺时限 within 法定时限, and the implementation's own promise no longer than the version's."""
    version = implementation.version
    if version.promised_days > version.effective_statutory_days:
        return False
    local = implementation.row.promised_days
    return local is None or local <= version.promised_days


def guide_accurate(implementation: Implementation) -> bool:
    return all(guide_elements(implementation).values()) and limits_consistent(implementation)


def channels(implementation: Implementation) -> dict[str, bool]:
    row = implementation.row
    return {
        "网上申报": implementation.version.online_depth >= ONLINE_APPLY_DEPTH,
        "窗口办理": bool(row.place.strip()),
        "网上预约": implementation.bookable,
        "电话咨询": bool(row.consultation_phone.strip()),
        "投诉渠道": bool(row.complaint_phone.strip()),
    }


def channel_completeness(reading: Reading) -> float | None:
    """服务方式完备度: the mean share of the five channels each implementation offers."""
    return mean([sum(channels(i).values()) / len(CHANNELS) for i in reading.implementations])


def item_coverage(reading: Reading) -> float | None:
    """服务事项覆盖度: the share of implementations an applicant can apply for online (depth ≥ 3)."""
    return share([i.version.online_depth >= ONLINE_APPLY_DEPTH for i in reading.implementations])


def item_full_online(reading: Reading) -> float | None:
    """The share of implementations handled whole online (全程网办, depth 4)."""
    return share([i.version.online_depth >= FULL_ONLINE_DEPTH for i in reading.implementations])


def guide_accuracy(reading: Reading) -> float | None:
    """办事指南准确度: the share of implementations whose guide has all seven elements and consistent limits."""
    return share([guide_accurate(i) for i in reading.implementations])


def online_maturity(reading: Reading) -> float | None:
    """在线办理成熟度: the depth distribution as one score, depth 1 → 0, 2 → ⅓, 3 → ⅔, 4 → 1, averaged."""
    return mean([(i.version.online_depth - 1) / 3 for i in reading.implementations])


def catalog_waivable(reading: Reading) -> float | None:
    """The share of required materials the platform draws itself (shared data, e-licences) across the subject's
    guides: what the catalog promises before any case shows it."""
    required = sum(i.required for i in reading.implementations)
    return sum(i.waivable for i in reading.implementations) / required if required else None


def devolution_in_step(reading: Reading) -> float | None:
    """关联事项同步下放: the share of the subject's implementations whose item the 放权同步 check finds in step (no
    prerequisite, 一件事 sibling or participating department above it, no neighbour left behind): "我放他未放" read
    from the stored findings (catalog.DevolutionFinding), as the catalog stands now."""
    out_of_step = set(
        DevolutionFinding.objects.filter(item__in=[i.row.item_id for i in reading.implementations]).values_list(
            "item_id", flat=True
        )
    )
    return share([i.row.item_id not in out_of_step for i in reading.implementations])
