"""延续: renewing a licence under 《行政许可法》第五十条.

第一款: "被许可人需要延续依法取得的行政许可的有效期的，应当在该行政许可有效期届满三十日前向作出行政许可决定的
行政机关提出申请。但是，法律、法规、规章另有规定的，依照其规定。" The thirty days are calendar days: 第八十二条
("本法规定的行政机关实施行政许可的期限以工作日计算") makes working days of the limits the *organ* must keep, while
this is the holder's own filing period, written as 日 like every other period of the Civil Code. The last day to
file is the expiry date less thirty days; an item whose own provision says otherwise carries a `RenewalRule`.

第二款: "行政机关应当根据被许可人的申请，在该行政许可有效期届满前作出是否准予延续的决定；逾期未作决定的，视为准予
延续。" The sweep below finds renewal cases still undecided after the expiry day and issues the renewed licence.

A renewal is a case of the licence's own item (the catalog has no separate 延续 items), filed through the ordinary
application page with `?renewal=<licence number>`, and linked to the licence by a `Renewal` row.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yiwang.cases.models import Case
from yiwang.cases.services import case_submit
from yiwang.catalog.models import ItemImplementation, ServiceItem
from yiwang.core.audit import audit_record, case_key
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.events import consumer, emit
from yiwang.core.notifications import notify

from . import selectors, services
from .models import Licence, Renewal, RenewalRule

# 第五十条第一款: "届满三十日前".
DEADLINE_DAYS = 30
# The law sets no earliest day; the wallet offers renewal from this many days before expiry (an item's rule may set
# a real one). An earlier application is still accepted by the service.
OFFER_DAYS = 90
# States in which the case waits on the organ; one waiting for the applicant's correction is not deemed granted.
AWAITING_ORGAN = (Case.Status.SUBMITTED, Case.Status.ACCEPTED, Case.Status.UNDER_REVIEW, Case.Status.SUSPENDED)
ARTICLE_50_2 = "《中华人民共和国行政许可法》第五十条第二款"


@dataclass(frozen=True)
class RenewalWindow:
    state: str  # none | early | open | closed | filed | renewed
    licence: Licence
    item: ServiceItem | None = None
    implementation: ItemImplementation | None = None
    opens_on: dt.date | None = None  # the earliest day a rule sets, or the day the wallet starts offering it
    deadline: dt.date | None = None  # the last day to file
    rule: RenewalRule | None = None
    pending: Renewal | None = None
    message: str = ""

    @property
    def open(self) -> bool:
        return self.state == "open"

    @property
    def offered(self) -> bool:
        return self.state == "open" and self.opens_on is not None and self.opens_on <= timezone.localdate()


def renewal_item(licence: Licence) -> ServiceItem | None:
    """The item a renewal is filed under: the licence's own case's, or for a licence brought in from before the
    platform, the first item that results in its type."""
    return _renewal_items([licence])[licence.pk]


def _renewal_items(licences: list[Licence]) -> dict[int, ServiceItem | None]:
    by_type: dict[int, ServiceItem] = {}
    imported = {licence.licence_type_id for licence in licences if licence.case_id is None}
    if imported:
        items = ServiceItem.objects.filter(current_version__result_licence_type__in=imported).select_related(
            "current_version"
        )
        for item in items.order_by("-code"):
            by_type[item.current_version.result_licence_type_id] = item
    case_ids = {licence.case_id for licence in licences if licence.case_id is not None}
    by_case = {case.pk: case.item for case in Case.objects.filter(pk__in=case_ids).select_related("item")}
    return {
        licence.pk: by_case[licence.case_id] if licence.case_id is not None else by_type.get(licence.licence_type_id)
        for licence in licences
    }


def _period_day(expires_on: dt.date, days: int, unit: str, cal: WorkCalendar) -> dt.date:
    if unit == RenewalRule.Unit.WORKING:
        return cal.working_days_before(expires_on, days).date
    return expires_on - dt.timedelta(days=days)


def renewal_window(licence: Licence, *, today: dt.date | None = None) -> RenewalWindow:
    """Whether the holder may file a renewal of this licence today, and what the page tells them."""
    return renewal_windows([licence], today=today)[licence.pk]


def renewal_windows(licences, *, today: dt.date | None = None) -> dict[int, RenewalWindow]:
    """renewal_window for a list of licences (the wallet), with what each needs loaded once for all of them."""
    licences = list(licences)
    today = today or timezone.localdate()
    renewals: dict[int, list[Renewal]] = {licence.pk: [] for licence in licences}
    for row in Renewal.objects.filter(licence__in=licences).select_related("renewed_licence", "case").order_by("pk"):
        renewals[row.licence_id].append(row)
    items = _renewal_items(licences)
    known = {item.pk for item in items.values() if item is not None}
    rules = {rule.item_id: rule for rule in RenewalRule.objects.filter(item__in=known)}
    implementations: dict[tuple[int, int], ItemImplementation] = {}
    for implementation in ItemImplementation.objects.filter(item__in=known, active=True).order_by("-pk"):
        implementations[implementation.item_id, implementation.department_id] = implementation
    calendars: dict[int, WorkCalendar] = {}
    windows = {}
    for licence in licences:
        item = items[licence.pk]
        region = licence.department.region
        windows[licence.pk] = _window(
            licence,
            today=today,
            renewals=renewals[licence.pk],
            item=item,
            rule=rules.get(item.pk) if item is not None else None,
            implementation=implementations.get((item.pk, licence.department_id)) if item is not None else None,
            cal=calendars.setdefault(region.pk, WorkCalendar(region)),
        )
    return windows


def wallet_renewals(licences: list[Licence]) -> dict[int, tuple[RenewalWindow, Renewal | None]]:
    """For each licence of a wallet: its renewal window, and the renewal it came from if it is a renewed one."""
    origins = Renewal.objects.filter(renewed_licence__in=licences).select_related("licence")
    by_renewed = {origin.renewed_licence_id: origin for origin in origins}
    return {pk: (window, by_renewed.get(pk)) for pk, window in renewal_windows(licences).items()}


def _window(licence, *, today, renewals, item, rule, implementation, cal) -> RenewalWindow:
    if licence.status != Licence.Status.VALID or licence.valid_until is None:
        return RenewalWindow("none", licence, message=_("该证照长期有效或已失效，无需办理延续"))
    done = next((r for r in renewals if r.renewed_licence_id is not None), None)
    if done is not None:
        how = _("视为准予延续") if done.deemed_on else _("已准予延续")
        return RenewalWindow(
            "renewed",
            licence,
            pending=done,
            message=_("%(h)s，延续后证照 %(n)s，有效期至 %(u)s")
            % {"h": how, "n": done.renewed_licence.number, "u": done.renewed_licence.valid_until},
        )
    pending = next((r for r in renewals if r.case.status in Case.OPEN_STATES), None)
    unit = rule.unit if rule else RenewalRule.Unit.CALENDAR
    deadline = _period_day(licence.valid_until, rule.deadline_days if rule else DEADLINE_DAYS, unit, cal)
    if rule and rule.opens_days:
        opens_on = _period_day(licence.valid_until, rule.opens_days, unit, cal)
    else:
        opens_on = licence.valid_until - dt.timedelta(days=OFFER_DAYS)
    common = {"item": item, "implementation": implementation, "opens_on": opens_on, "deadline": deadline, "rule": rule}
    basis = rule.basis if rule else _("《中华人民共和国行政许可法》第五十条第一款")
    if pending is not None:
        return RenewalWindow(
            "filed",
            licence,
            pending=pending,
            message=_("已于 %(d)s 提出延续申请（办件 %(n)s）") % {"d": pending.filed_on, "n": pending.case.number},
            **common,
        )
    if today > deadline:
        return RenewalWindow(
            "closed",
            licence,
            message=_(
                "已超过延续申请期限：依照%(b)s，须在有效期届满（%(e)s）%(k)s前、即 %(d)s 前提出延续申请。"
                "现已不能申请延续，请重新申请办理该许可。"
            )
            % {"b": basis, "e": licence.valid_until, "k": _period_words(rule), "d": deadline},
            **common,
        )
    if rule and rule.opens_days and today < opens_on:
        return RenewalWindow(
            "early",
            licence,
            message=_("依照%(b)s，延续申请自 %(o)s 起受理，最迟 %(d)s。") % {"b": basis, "o": opens_on, "d": deadline},
            **common,
        )
    return RenewalWindow(
        "open",
        licence,
        message=_("请在 %(d)s 前（有效期届满%(k)s前）提出延续申请（%(b)s）。")
        % {"d": deadline, "k": _period_words(rule), "b": basis},
        **common,
    )


def _period_words(rule: RenewalRule | None) -> str:
    if rule is None:
        return _("三十日")
    if rule.unit == RenewalRule.Unit.WORKING:
        return ngettext("%(n)d 个工作日", "%(n)d 个工作日", rule.deadline_days) % {"n": rule.deadline_days}
    return _("%(n)d 日") % {"n": rule.deadline_days}


def renewal_rule_problems(rule: RenewalRule) -> dict[str, list[str]]:
    errors = {}
    if not (rule.basis or "").strip():
        errors["basis"] = [_("请写明规定延续申请期限的法律、法规或规章条文")]
    if not rule.deadline_days:
        errors["deadline_days"] = [_("天数应大于 0")]
    elif rule.opens_days is not None and rule.opens_days <= rule.deadline_days:
        errors["opens_days"] = [_("最早可申请的天数应大于最迟申请的天数")]
    return errors


@transaction.atomic
def renewal_rule_save(*, actor, rule: RenewalRule) -> RenewalRule:
    """Enter or change an item's 另有规定 renewal period; the provision it rests on is required."""
    errors = renewal_rule_problems(rule)
    if errors:
        raise ValidationFailed(fields=errors)
    rule.basis = rule.basis.strip()
    rule.save()
    audit_record(
        actor=actor,
        action="licence.renewal_rule_save",
        target=rule,
        data={
            "item": rule.item.code,
            "deadline_days": rule.deadline_days,
            "opens_days": rule.opens_days,
            "unit": rule.unit,
            "basis": rule.basis,
        },
    )
    return rule


@transaction.atomic
def renewal_rule_delete(*, actor, rule: RenewalRule) -> None:
    """Back to the article's own thirty days."""
    audit_record(actor=actor, action="licence.renewal_rule_delete", target=rule, data={"item": rule.item.code})
    rule.delete()


def renewable_licence(*, actor, number: str) -> Licence:
    """The actor's own licence by number (a holder's or their enterprise's); another's answers 404."""
    return selectors.licence_for_holder(actor=actor, number=number)


def renewal_for_case(case) -> Renewal | None:
    return Renewal.objects.select_related("licence__licence_type", "renewed_licence").filter(case=case).first()


@transaction.atomic
def renewal_submit(*, actor, licence: Licence, implementation: ItemImplementation, **application) -> Case:
    """File a renewal: the licence's window is checked under a lock on it, then the case is submitted like any
    application (`application` is case_submit's arguments) and linked to the licence."""
    locked = Licence.objects.select_for_update().select_related("department__region").filter(pk=licence.pk).first()
    if locked is None:
        raise NotFound()
    window = renewal_window(locked)
    if not window.open:
        raise ValidationFailed(window.message, fields={"renewal": [window.message]})
    if window.implementation is None or window.implementation.pk != implementation.pk:
        raise ValidationFailed(
            fields={"renewal": [_("延续申请须向原发证机关提出（%(d)s）") % {"d": locked.department}]}
        )
    holder = {"entity": locked.holder_entity, "person": locked.holder_person}
    if application.get("entity") != holder["entity"] or application.get("person") != holder["person"]:
        raise ValidationFailed(fields={"applicant": [_("延续申请的申请人应为证照持有人")]})
    case = case_submit(actor=actor, implementation=implementation, **application)
    renewal, created = Renewal.objects.get_or_create(
        case=case, defaults={"licence": locked, "expires_on": locked.valid_until, "filed_on": case.received_on}
    )
    if created:
        audit_record(
            actor=actor,
            action="licence.renewal_file",
            target=renewal,
            data={"licence": locked.number, "case": case.number, "expires_on": str(locked.valid_until)},
            shard_key=case,
        )
        emit(
            "licence.renewal_filed",
            {"licence": locked.number, "licence_id": locked.pk, "case": case.number, "case_id": case.pk},
        )
    return case


def _same_term_until(licence: Licence, start: dt.date) -> dt.date:
    """The renewed licence runs as long as the one renewed: whole years when its term was whole years (a 5-year
    licence from 2026-11-23 ran to 2031-11-22), the same number of days otherwise."""
    for years in range(1, 100):
        ends = services._add_years(licence.issued_on, years)
        if ends == licence.valid_until:
            return services._add_years(start, years)
        if ends > licence.valid_until:
            break
    return start + (licence.valid_until - licence.issued_on)


def _deem(renewal: Renewal) -> Licence:
    old = renewal.licence
    starts = renewal.expires_on + dt.timedelta(days=1)
    renewed = Licence(
        number=services._next_licence_number(old.licence_type, old.department, starts),
        licence_type=old.licence_type,
        case=renewal.case,
        holder_entity=old.holder_entity,
        holder_person=old.holder_person,
        department=old.department,
        issued_on=starts,
        valid_until=_same_term_until(old, starts),
        data={**old.data, "renewal_of": old.number, "basis": ARTICLE_50_2 + "：逾期未作决定的，视为准予延续"},
    )
    services._seal(renewed)
    renewed.save()
    renewal.deemed_on = starts
    renewal.renewed_licence = renewed
    renewal.save(update_fields=["deemed_on", "renewed_licence"])
    return renewed


def renewal_deemed_sweep(*, today: dt.date | None = None) -> int:
    """第五十条第二款: every renewal whose licence expired with its case undecided is deemed granted; the renewed
    licence is issued (same term, from the day after expiry), audited, announced and the holder told."""
    today = today or timezone.localdate()
    due = Renewal.objects.filter(
        renewed_licence__isnull=True, expires_on__lt=today, case__status__in=AWAITING_ORGAN
    ).values_list("pk", flat=True)
    deemed = 0
    for pk in list(due):
        with transaction.atomic():
            renewal = (
                Renewal.objects.select_for_update(of=("self",))
                .select_related("case", "licence__licence_type", "licence__department__region")
                .get(pk=pk)
            )
            if renewal.renewed_licence_id is not None or renewal.case.status not in AWAITING_ORGAN:
                continue
            if Licence.objects.filter(case=renewal.case).exists():
                continue
            renewed = _deem(renewal)
            audit_record(
                actor=None,
                action="licence.renewal_deemed",
                target=renewal,
                data={
                    "licence": renewal.licence.number,
                    "case": renewal.case.number,
                    "renewed": renewed.number,
                    "valid_until": str(renewed.valid_until),
                    "basis": ARTICLE_50_2,
                },
                shard_key=case_key(renewal.case_id),
            )
            issued = {
                "licence": renewed.number,
                "licence_id": renewed.pk,
                "licence_type": renewed.licence_type.code,
                "case": renewal.case.number,
                "department_id": renewed.department_id,
            }
            issued["holder_uscc" if renewed.holder_entity_id else "holder_id_number"] = services.holder_id(renewed)
            emit("licence.issued", issued)
            emit(
                "licence.renewal_deemed",
                {
                    "licence": renewal.licence.number,
                    "licence_id": renewal.licence_id,
                    "renewed": renewed.number,
                    "renewed_id": renewed.pk,
                    "case": renewal.case.number,
                    "case_id": renewal.case_id,
                    "department_id": renewed.department_id,
                },
            )
            for user in services._holder_users(renewed):
                notify(
                    user=user,
                    title=_("您的%(t)s已视为准予延续") % {"t": renewed.licence_type.name},
                    body=_(
                        "行政机关未在原证照有效期届满（%(e)s）前作出决定，依照%(b)s视为准予延续。"
                        "延续后证照编号 %(n)s，有效期至 %(u)s。"
                    )
                    % {"e": renewal.expires_on, "b": ARTICLE_50_2, "n": renewed.number, "u": renewed.valid_until},
                    url="/licences/",
                )
            deemed += 1
    return deemed


@consumer("licence.issued", name="licences.renewal_link")
@transaction.atomic
def link_renewed_licence(event) -> None:
    """A renewal decided in time: the licence its grant issued is the renewed one."""
    renewal = (
        Renewal.objects.select_for_update()
        .filter(case__number=event.payload.get("case") or "", renewed_licence__isnull=True)
        .first()
    )
    if renewal is None:
        return
    renewal.renewed_licence_id = event.payload["licence_id"]
    renewal.save(update_fields=["renewed_licence"])
    audit_record(
        actor=None,
        action="licence.renewal_granted",
        target=renewal,
        data={"licence": renewal.licence.number, "renewed": event.payload["licence"], "case": renewal.case.number},
        shard_key=case_key(renewal.case_id),
    )


def renewal_reminder_text(licence: Licence, *, today: dt.date | None = None) -> tuple[str, str, str]:
    """The expiry reminder's title, body and link, pointing at the renewal window."""
    window = renewal_window(licence, today=today)
    title = _("%(t)s将于 %(d)s 到期，请办理延续") % {"t": licence.licence_type.name, "d": licence.valid_until}
    body = _("%(m)s证照编号 %(n)s。") % {"m": window.message, "n": licence.number}
    return title, body, f"/licences/{licence.number}/renew/"
