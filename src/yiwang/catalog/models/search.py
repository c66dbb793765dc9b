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


class SearchEntry(models.Model):
    """One searchable thing (a published item or a bundle); its terms are rebuilt when it changes."""

    class Kind(models.TextChoices):
        ITEM = "item", _("事项")
        BUNDLE = "bundle", _("一件事")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.OneToOneField(
        ServiceItem, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    bundle = models.OneToOneField(Bundle, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry")
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
