"""The search vocabulary: synonyms, and the referrals elsewhere for needs this platform does not handle."""

from django.contrib import admin

from ..models import (
    Referral,
    Synonym,
)
from .base import ReferenceAdmin


@admin.register(Synonym)
class SynonymAdmin(ReferenceAdmin):
    list_display = ("term", "expansions")
    search_fields = ("term", "expansions")


@admin.register(Referral)
class ReferralAdmin(ReferenceAdmin):
    list_display = ("code", "need", "where", "phone")
    search_fields = ("code", "need", "keywords", "where")
