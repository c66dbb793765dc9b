"""The operator's view of the efficiency figures: the monthly roll-up, read only, and a page to recompute a range of
days (after data were corrected by hand); a longer range than RECOMPUTE_MAX_DAYS goes through the CLI, since a web
request should not hold a worker for the hours a year of a city takes."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.permissions import can_do

from .models import MonthlyFigure
from .services import figures_recompute

RECOMPUTE_MAX_DAYS = 93


class RecomputeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期（含）"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("结束日期早于开始日期"))
            if (end - start).days >= RECOMPUTE_MAX_DAYS:
                raise forms.ValidationError(
                    _("一次最多重算 %(days)d 天；更长的范围请用命令 yiwang insights recompute")
                    % {"days": RECOMPUTE_MAX_DAYS}
                )
        return data


@admin.register(MonthlyFigure)
class MonthlyFigureAdmin(admin.ModelAdmin):
    list_display = ("month", "region", "department", "item", "applied", "applied_online", "decided", "ratings")
    list_filter = ("month",)
    list_select_related = ("region", "department__region", "item")
    search_fields = ("department__name", "item__name", "item__code")
    change_list_template = "admin/insights/monthlyfigure_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("recompute/", wrap(self.recompute_view), name="insights_recompute"), *super().get_urls()]

    def recompute_view(self, request):
        if not can_do(request.user, "insights_recompute"):
            raise PermissionDenied
        today = timezone.localdate()
        form = RecomputeForm(request.POST or None, initial={"start": today - dt.timedelta(days=6), "end": today})
        if request.method == "POST" and form.is_valid():
            done = figures_recompute(actor=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
            messages.success(request, _("已重算 %(days)d 天，%(rows)d 行") % done)
            return redirect(reverse("admin:insights_monthlyfigure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("重算效能数据"),
            "form": form,
        }
        return TemplateResponse(request, "admin/insights/recompute.html", context)
