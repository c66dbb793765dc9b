from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.errors import DomainError

from .models import Appointment, AppointmentPattern, AppointmentSlot
from .services import appointment_slots_generate


@admin.register(AppointmentPattern)
class AppointmentPatternAdmin(admin.ModelAdmin):
    list_display = ("center", "department", "weekdays", "starts", "ends", "capacity", "active")
    list_filter = ("center", "active")
    autocomplete_fields = ("center", "department")
    actions = ["generate"]

    @admin.action(description=_("按每周排班为所选大厅生成近期时段"))
    def generate(self, request, queryset):
        made = 0
        for center in {row.center for row in queryset.select_related("center")}:
            try:
                made += appointment_slots_generate(actor=request.user, center=center)
            except DomainError as exc:
                self.message_user(request, f"{center}：{exc.message}", messages.ERROR)
        self.message_user(request, _("已生成 %(n)d 个时段") % {"n": made})


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    """Slots are generated from the timetable; here a day's slot is opened, closed or resized by hand."""

    list_display = ("center", "day", "starts", "ends", "capacity", "open", "department")
    list_filter = ("open", "center")
    date_hierarchy = "day"
    list_editable = ("open", "capacity")
    autocomplete_fields = ("center", "department")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Bookings change only through their services (book, cancel, arrive)."""

    list_display = ("code", "day", "slot", "implementation", "applicant_name", "status", "ticket", "late")
    list_filter = ("status", "late")
    search_fields = ("code", "applicant_name")
    date_hierarchy = "day"
    list_select_related = ("slot__center", "implementation__item", "ticket")
