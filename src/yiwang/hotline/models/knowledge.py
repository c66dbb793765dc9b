"""知识库: what an operator reads out to a 咨询 on the spot."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .orders import Category


class FaqEntry(models.Model):
    """知识库: an answer an operator can read out to a 咨询 on the spot."""

    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答复口径"))
    # Words a caller might use that the question does not ("停水" for 供水), separated by commas or spaces.
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT)
    # A catalog item whose 办事指南 answers the question further ("R001"); blank when none does.
    item_code = models.CharField(_("关联事项编码"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")

    def __str__(self):
        return self.question
