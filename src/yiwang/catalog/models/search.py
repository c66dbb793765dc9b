"""The search index of the catalog: colloquial synonyms, and the weighted terms of each item and bundle."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .groupings import Bundle
from .items import ServiceItem


class Synonym(models.Model):
    """How citizens say it → the words the catalog uses. Owned by the project, grown by administrators."""

    term = models.CharField(_("群众说法"), max_length=40, unique=True)
    expansions = models.CharField(_("对应规范用语（空格分隔）"), max_length=300)

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.expansions}"


class Referral(models.Model):
    """A common need this platform does not handle (passports, driving licences…) and where to go instead, so
    that search answers "not handled here" plainly instead of listing unrelated items."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    need = models.CharField(_("群众需求"), max_length=80)
    need_en = models.CharField(_("群众需求（英文）"), max_length=200, blank=True)
    where = models.CharField(_("办理机构"), max_length=200)
    where_en = models.CharField(_("办理机构（英文）"), max_length=300, blank=True)
    how = models.CharField(_("办理渠道"), max_length=300, blank=True)
    how_en = models.CharField(_("办理渠道（英文）"), max_length=400, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=20, default="12345")
    keywords = models.CharField(_("检索关键词（空格分隔）"), max_length=500)

    class Meta:
        verbose_name = _("非本平台事项指引")
        verbose_name_plural = _("非本平台事项指引")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.need}"


class SearchEntry(models.Model):
    """One searchable thing (a published item, a bundle, or a referral elsewhere); its terms are rebuilt when it
    changes."""

    class Kind(models.TextChoices):
        ITEM = "item", _("事项")
        BUNDLE = "bundle", _("一件事")
        REFERRAL = "referral", _("非本平台事项")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.OneToOneField(
        ServiceItem, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    bundle = models.OneToOneField(Bundle, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry")
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    title = models.CharField(max_length=120)
    boost = models.FloatField(default=1.0)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")


class SearchTerm(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40)
    weight = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "entry"], name="search_term_idx")]
        constraints = [models.UniqueConstraint(fields=["entry", "term"], name="search_term_unique")]
