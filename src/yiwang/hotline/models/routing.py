"""派单规则: the rules that propose the department an order is dispatched to (hotline.routing)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.org.models import Department

from .orders import Category


class RoutingRule(models.Model):
    """派单规则: which department a category's orders in an area are proposed to (hotline.routing). A rule on a
    parent category applies to its leaves; the most specific matching rule wins, and with none the category's
    default department kind at the district does."""

    class Target(models.TextChoices):
        DISTRICT = "district", _("区级部门")
        STREET = "street", _("所在街道办事处")

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    # Compared with the start of the order's grid cell code (440105001001-001), which begins with its community's,
    # street's and district's codes; an order without a cell is compared by its district's code.
    area_prefix = models.CharField(
        _("区域编码前缀"),
        max_length=40,
        blank=True,
        help_text=_("街道、社区的区划代码或网格编码的开头，如 440105001；留空为全区"),
    )
    target = models.CharField(_("派往"), max_length=10, choices=Target.choices, default=Target.DISTRICT)
    # For a district target: a Department.kind (URBAN, HOUSING…).
    department_kind = models.CharField(_("区级部门类别"), max_length=20, blank=True)
    priority = models.SmallIntegerField(_("优先级"), default=0, help_text=_("区域和分类同样具体时，数字大者优先"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category__position", "area_prefix", "-priority"]
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")

    def __str__(self):
        return f"{self.category} · {self.area_prefix or _('全区')} → {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.get_target_display() if self.target == self.Target.STREET else self.department_kind

    def clean(self):
        if self.target == self.Target.DISTRICT and not self.department_kind:
            raise ValidationError({"department_kind": _("派往区级部门时须填写部门类别")})
        if self.department_kind and not Department.objects.filter(kind=self.department_kind).exists():
            raise ValidationError({"department_kind": _("没有这一类别的部门")})
        if self.target == self.Target.STREET and self.department_kind:
            raise ValidationError({"department_kind": _("派往街道办事处时不填部门类别")})
        if self.area_prefix and not all(c.isdigit() or c == "-" for c in self.area_prefix):
            raise ValidationError({"area_prefix": _("区域编码前缀只能由数字和“-”组成")})
