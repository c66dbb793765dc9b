from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identifiers import birth_date_of, clean_identity_number, clean_uscc, mask_identity_number


class User(AbstractUser):
    """An account: a citizen, an enterprise's agent, or a staff member (whose roles are org.StaffRole rows)."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    @property
    def holds_staff_role(self) -> bool:
        from yiwang.core.permissions import staff_roles

        return self.is_superuser or bool(staff_roles(self))


class Person(models.Model):
    user = models.OneToOneField(
        User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, unique=True, validators=[clean_identity_number])
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("户籍/居住地"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)

    def save(self, *args, **kwargs):
        self.birth_date = birth_date_of(self.id_number)
        super().save(*args, **kwargs)


class Entity(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        ABNORMAL = "abnormal", _("经营异常")
        CANCELLED = "cancelled", _("注销")
        REVOKED = "revoked", _("吊销")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[clean_uscc])
    name = models.CharField(_("名称"), max_length=120)
    entity_type = models.CharField(_("主体类型"), max_length=40, default="有限责任公司")
    legal_representative = models.CharField(_("法定代表人"), max_length=60)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("登记机关所在区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Business-scope activities as the dual-notification table names them (餐饮服务, 卷烟零售 …).
    business_scope = models.JSONField(_("经营范围"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    agents = models.ManyToManyField(User, verbose_name=_("经办人"), blank=True, related_name="entities")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法人/市场主体")
        verbose_name_plural = _("法人/市场主体")

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            self.uscc = clean_uscc(self.uscc)


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only the secret's SHA-256 is kept; the secret is shown once, at creation."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    # The secret's first characters, kept in clear so the holder and the operator can tell tokens apart.
    prefix = models.CharField(_("前缀"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… {self.name}"
