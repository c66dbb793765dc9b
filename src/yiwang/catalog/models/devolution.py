from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import ServiceItem


class DevolutionFinding(models.Model):
    """放权不同步 (“我放他未放”) as the devolution check found it; an item's rows are replaced at each check."""

    class Kind(models.TextChoices):
        PREREQUISITE_HIGHER = "prerequisite_higher", _("前置事项层级更高")
        PREREQUISITE_MISSING = "prerequisite_missing", _("前置事项本地无实施")
        BUNDLE_HIGHER = "bundle_higher", _("一件事内事项层级更高")
        DEPARTMENT_HIGHER = "department_higher", _("参与审批部门层级更高")
        NEIGHBOUR_MISSING = "neighbour_missing", _("相邻区县未同步下放")

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="devolution_findings"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    # What the item is out of step with: another item, a department, a region (whichever the kind names).
    related_item = models.ForeignKey(
        ServiceItem, verbose_name=_("相关事项"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("相关部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("相关区划"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("说明"), max_length=300)
    # When the mismatch was first found; a check that finds it again keeps the date.
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("放权同步问题")
        verbose_name_plural = _("放权同步检查")
        ordering = ["item__code", "kind", "pk"]

    def __str__(self):
        return self.message
