"""Renewal in the admin: an item's 另有规定 filing period (through the audited service), renewals to look up."""

from django import forms
from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from . import renewal
from .models import Renewal, RenewalRule


class RenewalRuleForm(forms.ModelForm):
    class Meta:
        model = RenewalRule
        fields = ("item", "deadline_days", "opens_days", "unit", "basis")

    def clean(self):
        cleaned = super().clean()
        candidate = RenewalRule(
            **{name: cleaned.get(name) for name in ("deadline_days", "opens_days", "unit", "basis")}
        )
        for field, errors in renewal.renewal_rule_problems(candidate).items():
            if field not in self.errors:
                self.add_error(field, errors)
        return cleaned


@admin.register(RenewalRule)
class RenewalRuleAdmin(admin.ModelAdmin):
    form = RenewalRuleForm
    list_display = ("item", "deadline_days", "opens_days", "unit", "basis")
    autocomplete_fields = ("item",)
    search_fields = ("item__code", "item__name", "basis")

    def save_model(self, request, obj, form, change):
        renewal.renewal_rule_save(actor=request.user, rule=obj)

    def delete_model(self, request, obj):
        renewal.renewal_rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            renewal.renewal_rule_delete(actor=request.user, rule=rule)


@admin.register(Renewal)
class RenewalAdmin(ReadOnlyAdmin):
    list_display = ("licence", "case", "expires_on", "filed_on", "deemed_on", "renewed_licence")
    list_filter = ("deemed_on",)
    search_fields = ("licence__number", "case__number")
    list_select_related = ("licence__licence_type", "case", "renewed_licence__licence_type")
