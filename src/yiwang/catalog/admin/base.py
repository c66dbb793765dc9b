"""What every catalog admin shares: writes go through the catalog's services, refusals are shown, not raised."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect

from yiwang.core.errors import DomainError

from ..services import (
    reference_delete,
    reference_save,
)


def refusal_message(exc: DomainError, model) -> str:
    """A refused service call as one line: its message, then each field it names by its Chinese name."""
    names = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    details = [f"{names.get(name, name)}：{'；'.join(msgs)}" for name, msgs in exc.fields.items()]
    return "；".join([exc.message, *details])


class ServiceWriteAdmin(admin.ModelAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin's change view runs in one transaction, so a refusal raised from the service rolls back
        # everything the request did before it is turned into a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, refusal_message(exc, self.model), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline rows were written by the service, not by formset.save(), which is what the admin's
        # history reads them from; the history notes the form's own changes.
        return super().construct_change_message(request, form, [], add)


class ServiceDeletes(admin.ModelAdmin):
    """Deletes, one or "delete selected", go through the model's delete service, all in one transaction."""

    def delete_with_service(self, request, obj):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_with_service(request, obj)


class ReferenceAdmin(ServiceWriteAdmin, ServiceDeletes):
    """Reference tables: saved by reference_save; their many-to-many lists follow in the admin's transaction."""

    def save_model(self, request, obj, form, change):
        reference_save(actor=request.user, obj=obj, changed=form.changed_data)

    def delete_with_service(self, request, obj):
        reference_delete(actor=request.user, obj=obj)


def kept_rows(formsets) -> list[dict]:
    """The inline rows the user kept: the service writes the parent and these together."""
    return [
        f.cleaned_data
        for formset in formsets
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
