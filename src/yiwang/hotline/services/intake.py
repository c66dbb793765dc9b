"""A request comes in: a call the operator takes, a web form a citizen sends; a 咨询 answered on the spot."""

import re
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import clean_identity_number
from yiwang.core.errors import ValidationFailed
from yiwang.core.permissions import allows, require
from yiwang.grid.models import GridCell
from yiwang.grid.services import require_in_district
from yiwang.org.models import Region

from ..actions import Action
from ..models import Category, OrderNumberCounter, WorkOrder, WorkOrderAttachment
from ..repeats import terms_of
from ._common import _choice, _locked, _now, _raise, _record, _required, _save
from .attachments import CheckedFile, attachments_check, attachments_store, described

PHONE = re.compile(r"^\+?[0-9][0-9-]{5,19}$")
TITLE_CHARS = 30


def _number(region: Region) -> str:
    """The district's next number of the day. The counter row's UPDATE holds its lock until the commit; the
    day's first order creates the row (a concurrent first one finds it made and retries its update)."""
    day = timezone.localdate(_now())
    rows = OrderNumberCounter.objects.filter(region=region, day=day)
    for _attempt in range(2):
        if rows.update(last=F("last") + 1):
            last = rows.values_list("last", flat=True).get()
            return f"12345-{region.code}-{day:%Y%m%d}-{last:05d}"
        OrderNumberCounter.objects.bulk_create([OrderNumberCounter(region=region, day=day)], ignore_conflicts=True)
    raise RuntimeError("hotline number counter row missing")


def _validated(
    *,
    kind: str,
    category: str,
    description: str,
    caller_phone: str,
    caller_id_number: str = "",
    urgency: str = WorkOrder.Urgency.NORMAL,
    require_phone: bool = False,
) -> tuple[dict, dict[str, list[str]]]:
    """The request's fields, cleaned, and what is wrong with them by field name."""
    errors: dict[str, list[str]] = {}
    _choice(errors, "kind", kind, WorkOrder.Kind, _("请选择诉求类型"))
    _choice(errors, "urgency", urgency, WorkOrder.Urgency, _("请选择紧急程度"))
    found = Category.objects.filter(code=(category or "").strip(), active=True).first()
    if found is None:
        errors.setdefault("category", []).append(_("请选择有效的诉求分类"))
    description = _required(errors, "description", description, _("请填写诉求内容"))
    phone = (caller_phone or "").strip().replace(" ", "")
    if phone and not PHONE.match(phone):
        errors.setdefault("caller_phone", []).append(_("联系电话格式不正确"))
    elif require_phone and not phone:
        errors.setdefault("caller_phone", []).append(_("请填写联系电话，以便回访"))
    id_number = (caller_id_number or "").strip().upper()
    if id_number:
        try:
            id_number = clean_identity_number(id_number)
        except ValidationError as error:
            errors.setdefault("caller_id_number", []).extend(error.messages)
    return {"category": found, "description": description, "caller_phone": phone, "caller_id_number": id_number}, errors


def _cell(errors: dict[str, list[str]], region: Region, longitude, latitude) -> str:
    """The code of the grid cell a located request lies in; a location outside the district's grid (or only half
    of one) is refused beside the other errors."""
    if longitude is None and latitude is None:
        return ""
    try:
        cell = require_in_district(longitude, latitude)
    except ValidationFailed as outside:
        errors.setdefault("location", []).extend(outside.fields["location"])
        return ""
    # A cell's code begins with its community's, and GB/T 10114 codes of a district's towns and communities begin
    # with the district's: no read of the community needed.
    if not cell.code.startswith(region.code):
        errors.setdefault("location", []).append(_("坐标不在本区范围内"))
        return ""
    return cell.code


def _create(
    *, actor, region: Region, channel: str, action: Action, fields: dict, files: Sequence[CheckedFile] = (), **rest
) -> WorkOrder:
    # Without a title the description's start stands for it, cut visibly (…) where it is cut.
    text = " ".join(fields["description"].split())
    title = (rest.pop("title", "") or "").strip() or (
        text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
    )
    order = WorkOrder(
        region=region,
        channel=channel,
        query_code=f"{secrets.randbelow(10**6):06d}",
        title=title,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
        **rest,
    )
    order.number = _number(region)
    order.terms = terms_of(order.description, order.address)
    order.save()
    stored = attachments_store(order, list(files), actor=actor, source=WorkOrderAttachment.Source.INTAKE)
    note, listed = described(stored)
    data = {"channel": channel, "kind": order.kind} | ({"attachments": listed} if listed else {})
    _record(order, actor=actor, action=action, note=note, data=data)
    return order


def _receive(
    *,
    actor,
    region: Region | None,
    channel: str,
    action: Action,
    kind: str,
    category: str,
    description: str,
    caller_phone: str = "",
    caller_name: str = "",
    caller_id_number: str = "",
    confidential: bool = False,
    urgency: str = WorkOrder.Urgency.NORMAL,
    title: str = "",
    address: str = "",
    longitude=None,
    latitude=None,
    attachments=(),
    require_phone: bool = False,
    require_place: bool = False,
) -> WorkOrder:
    """What every way in but the grid's shares: the request checked whole (everything wrong is reported at once,
    and nothing is written), its place put in its grid cell, then the order numbered, stored and recorded.
    `require_phone`: the centre must be able to call back (the web form); `require_place`: coordinates or an
    address (Open311, where nobody is on the line to ask)."""
    fields, errors = _validated(
        kind=kind,
        category=category,
        description=description,
        caller_phone=caller_phone,
        caller_id_number=caller_id_number,
        urgency=urgency,
        require_phone=require_phone,
    )
    cell = ""
    if region is None or region.level != Region.Level.COUNTY:
        errors.setdefault("region", []).append(_("请选择所在区"))
    else:
        cell = _cell(errors, region, longitude, latitude)
    if require_place and longitude is None and latitude is None and not address.strip():
        errors.setdefault("location", []).append(_("请提供坐标或地址"))
    files = attachments_check(errors, attachments)
    _raise(errors)
    return _create(
        actor=actor,
        region=region,
        channel=channel,
        action=action,
        fields=fields,
        files=files,
        grid_cell_code=cell,
        kind=kind,
        urgency=urgency,
        title=title,
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        caller_name=caller_name.strip(),
        confidential=confidential,
    )


@transaction.atomic
def order_take(
    *,
    actor,
    region: Region,
    kind: str,
    category: str,
    description: str,
    caller_phone: str,
    caller_name: str = "",
    caller_id_number: str = "",
    confidential: bool = False,
    urgency: str = WorkOrder.Urgency.NORMAL,
    title: str = "",
    address: str = "",
    longitude=None,
    latitude=None,
    attachments=(),
) -> WorkOrder:
    """The operator records a call (受理来电). `category` is a Category code; `attachments` are uploaded files
    (a photo the caller sent), at most ATTACHMENTS_MAX."""
    require(actor, "hotline_operate", region)
    return _receive(
        actor=actor,
        region=region,
        channel=WorkOrder.Channel.PHONE,
        action=Action.TAKE,
        kind=kind,
        category=category,
        description=description,
        caller_phone=caller_phone,
        caller_name=caller_name,
        caller_id_number=caller_id_number,
        confidential=confidential,
        urgency=urgency,
        title=title,
        address=address,
        longitude=longitude,
        latitude=latitude,
        attachments=attachments,
    )


@transaction.atomic
def order_submit_web(
    *,
    region: Region | None,
    kind: str,
    category: str,
    description: str,
    caller_phone: str,
    caller_name: str = "",
    address: str = "",
    attachments=(),
) -> WorkOrder:
    """A citizen's request from the public form, without an account: the centre takes it like a call. The caller
    is told the number and the query code once, on the answer page. `attachments`: a photo of the problem or so,
    at most ATTACHMENTS_MAX; without an account they count against no quota (the form's rate limit holds)."""
    return _receive(
        actor=None,
        region=region,
        channel=WorkOrder.Channel.WEB,
        action=Action.SUBMIT_WEB,
        kind=kind,
        category=category,
        description=description,
        caller_phone=caller_phone,
        caller_name=caller_name,
        address=address,
        attachments=attachments,
        require_phone=True,
    )


@transaction.atomic
def order_answer_directly(*, actor, order: WorkOrder, answer: str) -> WorkOrder:
    """直接答复并办结: a 咨询 the operator answered on the spot from the knowledge base or an item's guide."""
    order = _locked(order, actor, "hotline_operate")
    errors: dict[str, list[str]] = {}
    if order.kind != WorkOrder.Kind.CONSULT:
        errors["kind"] = [_("只有咨询类诉求可以直接答复办结，其他诉求请派单")]
    answer = _required(errors, "answer", answer, _("请填写答复内容"))
    _raise(errors)
    order.move(Action.ANSWER)
    _save(order, "status")
    _record(order, actor=actor, action=Action.ANSWER, note=answer)
    order.move(Action.CLOSE)
    order.closed_at = _now()
    _save(order, "status", "closed_at")
    _record(order, actor=actor, action=Action.CLOSE)
    return order


@transaction.atomic
def order_submit_open311(
    *,
    region: Region,
    kind: str,
    category: str,
    description: str,
    caller_phone: str = "",
    caller_name: str = "",
    address: str = "",
    longitude=None,
    latitude=None,
    confidential: bool = False,
) -> WorkOrder:
    """A request posted through Open311 GeoReport v2 by a client holding the district's API key (the key was
    checked by the caller): taken like a call, with the place where the client put it."""
    return _receive(
        actor=None,
        region=region,
        channel=WorkOrder.Channel.OPEN311,
        action=Action.SUBMIT_WEB,
        kind=kind,
        category=category,
        description=description,
        caller_phone=caller_phone,
        caller_name=caller_name,
        address=address,
        longitude=longitude,
        latitude=latitude,
        confidential=confidential,
        require_place=True,
    )


@transaction.atomic
def order_report_from_grid(
    *,
    actor,
    kind: str,
    category: str,
    description: str,
    longitude,
    latitude,
    address: str = "",
    urgency: str = WorkOrder.Urgency.NORMAL,
    cell_code: str = "",
    attachments=(),
) -> WorkOrder:
    """巡查上报: a grid worker reports what they found in one of their cells; it reaches the centre as a work
    order to dispatch, located where the worker stood. The place must lie in the worker's reach. Without a
    position from the device, the centre of the cell the worker chose (`cell_code`) stands for the place.
    `attachments`: the worker's photos of the problem, at most ATTACHMENTS_MAX, counted against their quota."""
    if longitude is None and latitude is None and cell_code:
        chosen = GridCell.objects.filter(code=cell_code).only("centroid_lon", "centroid_lat").first()
        if chosen is not None:
            longitude, latitude = chosen.centroid_lon, chosen.centroid_lat
    fields, errors = _validated(
        kind=kind, category=category, description=description, caller_phone=getattr(actor, "phone", ""), urgency=urgency
    )
    cell = None
    if longitude is None or latitude is None:
        errors.setdefault("location", []).append(_("请定位或填写所在位置的坐标"))
    else:
        try:
            cell = require_in_district(longitude, latitude)
        except ValidationFailed as outside:
            errors.setdefault("location", []).extend(outside.fields["location"])
        else:
            if not allows(actor, "grid_work", cell):
                cell = None
                errors.setdefault("location", []).append(_("该位置不在您负责的网格范围内"))
    files = attachments_check(errors, attachments)
    _raise(errors)
    # A cell's code begins with its district's (see _cell).
    region = Region.objects.get(code=cell.code[:6], level=Region.Level.COUNTY)
    return _create(
        actor=actor,
        region=region,
        channel=WorkOrder.Channel.GRID,
        action=Action.GRID_REPORT,
        fields=fields,
        files=files,
        kind=kind,
        urgency=urgency,
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        grid_cell_code=cell.code,
        caller_name=str(actor),
    )
