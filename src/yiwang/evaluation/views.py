"""The evaluation pages of the staff site: the rounds, a round's subjects × indicators, a subject's scoring form,
the evidence, and the closed round's report. Reads through selectors, writes through services; a refused score
re-renders its form with the reason (422), anything else falls to the DomainError middleware."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from yiwang.core.excel import XLSX_TYPE
from yiwang.core.pdf import private_pdf_download
from yiwang.core.permissions import can_do
from yiwang.core.storage import download_response, private_download

from . import report, selectors, services


def _may_see_rounds(user) -> bool:
    return can_do(user, "evaluate") or can_do(user, "evaluation_manage")


@staff_required
def rounds(request):
    if not _may_see_rounds(request.user):
        raise NotFound()
    return render(
        request,
        "evaluation/rounds.html",
        {"rounds": selectors.rounds(actor=request.user), "may_create": can_do(request.user, "evaluation_manage")},
    )


def _picked(queryset, values) -> list:
    wanted = {int(v) for v in values if str(v).isdigit()}
    return [row for row in queryset if row.pk in wanted]


@staff_required
def round_new(request):
    regions = list(selectors.managed_regions(actor=request.user))
    if not regions:
        raise NotFound()
    data = request.POST if request.method == "POST" else request.GET
    region = next((r for r in regions if r.code == data.get("region")), regions[0])
    departments = list(selectors.candidate_departments(region))
    districts = list(selectors.candidate_districts(region))
    evaluators = list(selectors.candidate_evaluators(region))
    systems = list(selectors.systems())
    context = {
        "regions": regions,
        "region": region,
        "departments": departments,
        "districts": districts,
        "evaluators": evaluators,
        "systems": systems,
        "posted": request.POST,
        "chosen": {
            "departments": set(request.POST.getlist("departments")),
            "districts": set(request.POST.getlist("districts")),
            "evaluators": set(request.POST.getlist("evaluators")),
        },
        "errors": {},
    }
    if request.method != "POST":
        return render(request, "evaluation/round_new.html", context)
    system = next((s for s in systems if str(s.pk) == request.POST.get("system")), None)
    if system is None:
        context["errors"] = {"system": [_("请选择指标体系")]}
        return render(request, "evaluation/round_new.html", context, status=422)
    try:
        found = services.round_create(
            actor=request.user,
            system=system,
            name=request.POST.get("name", ""),
            region=region,
            period=request.POST.get("period", ""),
            departments=_picked(departments, request.POST.getlist("departments")),
            districts=_picked(districts, request.POST.getlist("districts")),
            evaluators=_picked(evaluators, request.POST.getlist("evaluators")),
        )
    except ValidationFailed as refused:
        context["errors"] = refused.fields
        return render(request, "evaluation/round_new.html", context, status=422)
    messages.success(request, _("已创建评估轮次：%(n)s") % {"n": found.name})
    return redirect("evaluation:round", pk=found.pk)


@staff_required
def round_page(request, pk):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    indicators, rows = selectors.round_matrix(actor=request.user, round_=round_)
    dimensions = list(dict.fromkeys(i.dimension for i in indicators))
    ranked = {
        kind: sorted(
            (r["subject"] for r in rows if r["subject"].kind == kind), key=lambda s: (s.rank is None, s.rank or 0)
        )
        for kind in ("department", "district")
    }
    return render(
        request,
        "evaluation/round.html",
        {
            "round": round_,
            "indicators": indicators,
            "dimensions": [(d, sum(1 for i in indicators if i.dimension_id == d.pk)) for d in dimensions],
            "rows": rows,
            "ranked": ranked,
            "manages": selectors.manages(request.user, round_),
            "scores": selectors.scores_as_evaluator(request.user, round_),
        },
    )


@staff_required
@require_POST
def round_open(request, pk):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    try:
        services.round_open(actor=request.user, round_=round_)
    except (InvalidTransition, ValidationFailed) as refused:
        messages.error(request, "；".join(m for ms in refused.fields.values() for m in ms) or refused.message)
    else:
        messages.success(request, _("评估轮次已开始评分，计算指标已按当前数据取值"))
    return redirect("evaluation:round", pk=pk)


@staff_required
@require_POST
def round_close(request, pk):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    try:
        services.round_close(actor=request.user, round_=round_)
    except InvalidTransition as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("评估轮次已结束，已计算总分和排名"))
    return redirect("evaluation:round", pk=pk)


def _subject_page(request, round_, subject, *, errors=None, failed=None, status=200):
    indicators = selectors.indicators(round_)
    values = selectors.computed_values(round_)
    table = selectors.score_table(request.user, round_)
    may_score = round_.scoring and selectors.scores_as_evaluator(request.user, round_)
    scored = []
    for indicator in indicators:
        if indicator.computed:
            continue
        scores = table.get((subject.pk, indicator.pk), [])
        mine = next((s for s in scores if s.evaluator_id == request.user.pk), None)
        scored.append({"indicator": indicator, "scores": scores, "mine": mine})
    return render(
        request,
        "evaluation/subject.html",
        {
            "round": round_,
            "subject": subject,
            "computed": [(i, values.get((subject.pk, i.pk))) for i in indicators if i.computed],
            "scored": scored,
            "figures": selectors.subject_figures(subject, round_),
            "may_score": may_score,
            "manages": selectors.manages(request.user, round_),
            "errors": errors or {},
            "failed": failed,
            "posted": request.POST if failed else {},
        },
        status=status,
    )


@staff_required
def subject_page(request, pk, subject):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    return _subject_page(request, round_, selectors.subject_for(round_=round_, pk=subject))


@staff_required
@require_POST
def score(request, pk, subject, indicator):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    found = selectors.subject_for(round_=round_, pk=subject)
    target = selectors.indicator_for(round_=round_, pk=indicator)
    try:
        services.score_save(
            actor=request.user,
            round_=round_,
            subject=found,
            indicator=target,
            value=request.POST.get("value", ""),
            comment=request.POST.get("comment", ""),
            evidence=request.FILES.get("evidence"),
        )
    except ValidationFailed as refused:
        return _subject_page(request, round_, found, errors=refused.fields, failed=target.pk, status=422)
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已保存评分：%(i)s") % {"i": target.name})
    return redirect("evaluation:subject", pk=pk, subject=subject)


@staff_required
def evidence(request, pk, score):
    round_ = selectors.round_for(actor=request.user, pk=pk)
    found = selectors.score_for(actor=request.user, round_=round_, pk=score)
    if not found.evidence_key:
        raise NotFound()
    return download_response(key=found.evidence_key, content_type=found.evidence_type, filename=found.evidence_name)


def _report_of(request, pk):
    """A closed round's report, for its managers: it lists every evaluator's scores and comments, which an
    evaluator otherwise never sees but their own."""
    round_ = selectors.round_for(actor=request.user, pk=pk)
    if not round_.closed or not selectors.manages(request.user, round_):
        raise NotFound()
    return round_


@staff_required
def report_xlsx(request, pk):
    round_ = _report_of(request, pk)
    return private_download(
        report.report_xlsx(round_), content_type=XLSX_TYPE, filename=f"{report.title_of(round_)}.xlsx"
    )


@staff_required
def report_pdf(request, pk):
    round_ = _report_of(request, pk)
    return private_pdf_download(report.report_pdf(round_), f"{report.title_of(round_)}.pdf")
