"""Subscriptions are made and changed here, through the services; the delivery log is read-only with a replay action."""

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.errors import DomainError

from . import services
from .models import Delivery, EventType, Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("推送地址"),
        max_length=300,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    event_types = forms.MultipleChoiceField(
        label=_("订阅事件"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ("system_name", "department", "url", "event_types", "active")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("system_name", "department", "url", "active", "created_at")
    list_filter = ("active", "department__kind")
    search_fields = ("system_name", "url", "department__name")
    autocomplete_fields = ("department",)
    actions = ["rotate_secret"]

    def has_delete_permission(self, request, obj=None):
        return False  # deliveries hang off it; switch it off instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.subscription_update(
                actor=request.user,
                subscription=obj,
                system_name=data["system_name"],
                url=data["url"],
                event_types=data["event_types"],
                active=data["active"],
            )
            return
        sub, secret = services.subscription_create(
            actor=request.user,
            system_name=data["system_name"],
            department=data["department"],
            url=data["url"],
            event_types=data["event_types"],
            active=data["active"],
        )
        obj.pk = sub.pk
        self._show_secret(request, sub, secret)

    def get_readonly_fields(self, request, obj=None):
        return ("department",) if obj else ()

    def _show_secret(self, request, sub, secret):
        messages.warning(
            request,
            _("%(s)s 的签名密钥（仅显示这一次，请立即交给对方系统保存）：%(k)s") % {"s": sub.system_name, "k": secret},
        )

    @admin.action(description=_("更换签名密钥"))
    def rotate_secret(self, request, queryset):
        for sub in queryset:
            self._show_secret(request, sub, services.subscription_rotate_secret(actor=request.user, subscription=sub))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log; filter by 失败（死信） for dead letters, and replay them once the receiver is fixed."""

    list_display = (
        "event_type",
        "event_id",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event__type", "subscription")
    search_fields = ("event__id", "subscription__system_name")
    list_select_related = ("event", "subscription__department__region")
    date_hierarchy = "created_at"
    actions = ["replay"]

    @admin.display(description=_("事件类型"), ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.action(description=_("重新推送"))
    def replay(self, request, queryset):
        done = 0
        for delivery in queryset:
            try:
                services.delivery_replay(actor=request.user, delivery=delivery)
                done += 1
            except DomainError as exc:
                messages.error(request, f"{delivery}：{exc.message}")
        if done:
            messages.success(request, _("已重新排队 %(n)d 条推送") % {"n": done})
