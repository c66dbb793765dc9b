from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchMiss(models.Model):
    """How often, in a week, the portal's search had no good answer for a query: what the catalog's vocabulary
    (its synonyms and keywords) should learn next. The query is stored masked (catalog.misses.mask_query)."""

    class Outcome(models.TextChoices):
        NONE = "none", _("无结果")
        WEAK = "weak", _("仅有弱相关结果")
        REFERRAL = "referral", _("非本平台事项（已指引）")

    # The Monday of the week, as a local date (Asia/Shanghai): the weeks people live in, not UTC's.
    week = models.DateField(_("周"))
    query = models.CharField(_("检索词"), max_length=64)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    count = models.PositiveIntegerField(_("次数"))
    last_seen = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("检索未命中")
        verbose_name_plural = _("检索未命中")
        constraints = [models.UniqueConstraint(fields=["week", "query", "outcome"], name="search_miss_unique")]
        indexes = [models.Index(fields=["week", "-count"], name="search_miss_week_idx")]

    def __str__(self):
        return f"{self.week} {self.query} ({self.get_outcome_display()})"
