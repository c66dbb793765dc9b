"""办件进度查询: anyone with a case number and its query code sees the status, dates and public timeline —
no materials, no form data, no staff names, the applicant's name masked."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from yiwang.cases import selectors
from yiwang.cases.models import Case
from yiwang.cases.progress import case_by_query_code, masked_applicant, progress_address


class ProgressForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("办件编号"), max_length=30, required=False)
    query_code = forms.CharField(label=gettext_lazy("查询码"), max_length=8, required=False)


@never_cache
def progress(request):
    form = ProgressForm(request.POST or None)
    case, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(
            request, group="progress-lookup", key="ip", rate=settings.PROGRESS_LOOKUP_RATE, increment=True
        ):
            error, status = _("查询过于频繁，请一分钟后再试"), 429
        else:
            case = case_by_query_code(form.cleaned_data["number"], form.cleaned_data["query_code"])
            if case is None:
                error, status = _("办件编号或查询码不正确，请核对通知书上的编号和查询码"), 404
    context = {"form": form, "error": error, "address": progress_address()}
    if case is not None:
        context.update(
            case=case,
            applicant=masked_applicant(case),
            timeline=[
                {
                    "at": e.at,
                    "label": e.label,
                    "status": Case.Status(e.status_to).label if e.status_to else "",
                }
                for e in selectors.applicant_timeline(case)
            ],
        )
    return render(request, "portal/progress.html", context, status=status)
