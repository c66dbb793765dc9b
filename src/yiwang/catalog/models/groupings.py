"""How items are grouped for people: bundles (一件事), topics, construction stages, and the dual-notification table
that ties a business activity to its permit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import ServiceItem


class Bundle(models.Model):
    """一件事: items one life or business event needs, applied for once."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    audience = models.CharField(_("服务对象"), max_length=10, choices=ServiceItem.Audience.choices)
    promise = models.CharField(_("承诺"), max_length=80, blank=True)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(_("检索关键词"), max_length=300, blank=True)
    keywords_en = models.CharField(_("英文检索关键词"), max_length=500, blank=True)
    popular = models.BooleanField(_("首页推荐"), default=False)
    items = models.ManyToManyField(
        ServiceItem, through="BundleItem", verbose_name=_("包含事项"), related_name="bundles"
    )

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("序号"))

    class Meta:
        verbose_name = _("一件事所含事项")
        verbose_name_plural = _("一件事所含事项")
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")]


class Topic(models.Model):
    """A life or business event to browse by (生育收养, 准营准办 …)."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("主题"), max_length=40)
    audience = models.CharField(_("服务对象"), max_length=10, choices=ServiceItem.Audience.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    items = models.ManyToManyField(ServiceItem, verbose_name=_("事项"), blank=True, related_name="topics")

    class Meta:
        verbose_name = _("办事主题")
        verbose_name_plural = _("办事主题")
        ordering = ["audience", "position"]

    def __str__(self):
        return self.name


class ConstructionStage(models.Model):
    """A stage of the construction-project approval path (工程建设项目审批)."""

    position = models.PositiveSmallIntegerField(_("阶段序号"), unique=True)
    name = models.CharField(_("阶段"), max_length=40)
    items = models.ManyToManyField(ServiceItem, verbose_name=_("事项"), related_name="construction_stages")

    class Meta:
        verbose_name = _("工程建设审批阶段")
        verbose_name_plural = _("工程建设审批阶段")
        ordering = ["position"]

    def __str__(self):
        return self.name


class DualNotificationRule(models.Model):
    """双告知: a business-scope activity, the permit it needs after the licence, and who must claim the entity."""

    activity = models.CharField(_("经营范围项目"), max_length=40, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("后置许可事项"), on_delete=models.PROTECT)
    department_kind = models.CharField(_("告知部门类别"), max_length=20)

    class Meta:
        verbose_name = _("双告知规则")
        verbose_name_plural = _("双告知规则")
        ordering = ["activity"]

    def __str__(self):
        return f"{self.activity} → {self.item.name}"
