from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.compiled import DATE_SENTINEL, DEFAULT_SENTINEL, CompiledQuery

from .identifiers import birth_date_of, clean_identity_number, clean_uscc, mask_identity_number


class User(AbstractUser):
    """An account: a citizen, an enterprise's agent, or a staff member (whose roles are org.StaffRole rows)."""

    class IdentityLevel(models.IntegerChoices):
        # How sure the platform is that the account's holder is the person named on it; an item may ask for
        # a minimum level before it accepts an online application.
        NONE = 0, _("未实名")
        # Registered online: name and identity number pass the GB 11643 check digit and match no other
        # account, and the phone number received a one-time code. Nobody has seen the person or the card.
        REGISTERED = 1, _("一级：注册并验证手机")
        # A clerk has seen the identity card at a service-centre window and confirmed the account.
        WINDOW_VERIFIED = 2, _("二级：窗口实名核验")
        # Verified in person with a face/card reader, or by the national e-licence (电子证照) of the card.
        ON_SITE_VERIFIED = 3, _("三级：现场或电子证照核验")

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    identity_level = models.PositiveSmallIntegerField(
        _("实名等级"), choices=IdentityLevel.choices, default=IdentityLevel.NONE
    )

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


class EntityQuerySet(models.QuerySet):
    def acting_for(self, user, *, on=None):
        """The entities the user may act for on a day: a grant that is neither revoked nor expired."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(pk__in=EntityAgent.objects.granted_to(user, on=on))


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
    # Compared with the binding person's number when known; the register holds it for entities registered here.
    legal_representative_id_number = models.CharField(_("法定代表人身份证号码"), max_length=18, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("登记机关所在区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Business-scope activities as the dual-notification table names them (餐饮服务, 卷烟零售 …).
    business_scope = models.JSONField(_("经营范围"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Every grant ever made, expired and revoked ones included: ask Entity.objects.acting_for(user) or
    # entity.has_agent(user) for who may act today.
    agents = models.ManyToManyField(
        User,
        verbose_name=_("经办人"),
        blank=True,
        related_name="entities",
        through="EntityAgent",
        through_fields=("entity", "user"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = _("法人/市场主体")
        verbose_name_plural = _("法人/市场主体")

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            self.uscc = clean_uscc(self.uscc)

    def agents_in_force(self, *, on=None):
        return User.objects.filter(pk__in=self.agent_grants.in_force(on=on).values("user"))

    def has_agent(self, user, *, on=None) -> bool:
        user_id = getattr(user, "pk", None)
        return bool(user_id) and bool(_GRANT_IN_FORCE.all(self.pk, user_id, on or timezone.localdate()))


class EntityAgentQuerySet(models.QuerySet):
    def in_force(self, *, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day), revoked_at__isnull=True)

    def granted_to(self, user, *, on=None):
        """The ids of the entities the user (or user id) may act for on a day, for a subquery."""
        return self.in_force(on=on).filter(user=user).values("entity")


class EntityAgent(models.Model):
    """A person's authority to act for an entity (经办人授权), granted by its legal representative."""

    entity = models.ForeignKey(Entity, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="agent_grants")
    user = models.ForeignKey(User, verbose_name=_("经办人"), on_delete=models.CASCADE, related_name="agent_grants")
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last day the grant is valid. Empty for the legal representative's own binding and for grants
    # recorded before authorisations had an expiry.
    expires_on = models.DateField(_("授权截止日期"), null=True, blank=True)
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = EntityAgentQuerySet.as_manager()

    class Meta:
        verbose_name = _("经办人授权")
        verbose_name_plural = _("经办人授权")
        constraints = [models.UniqueConstraint(fields=["entity", "user"], name="entity_agent_once")]

    def __str__(self):
        return f"{self.entity} · {self.user}"

    def in_force_on(self, day) -> bool:
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= day)


class PhoneCode(models.Model):
    """A one-time code sent by SMS. Only a keyed hash of the code is kept."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        RESET = "reset", _("找回密码")

    phone = models.CharField(_("手机号码"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    # Wrong codes typed against this one; past the limit it is dead and a new one must be requested.
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"])]


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only the secret's SHA-256 is kept; the secret is shown once, at creation.

    It carries scopes (what kind of call it may make, on top of what its user may do) and always expires."""

    class Scope(models.TextChoices):
        # Every GET: the cases, tasks, credit records and claim notices the user may see.
        READ = "read", _("查询")
        # The applicant's writes: upload materials, submit, resubmit, withdraw, delivery details, rating.
        APPLY = "apply", _("申报")
        # The staff's writes: accept, correct, refuse, review tasks, propose, decide, deliver, claim.
        REVIEW = "review", _("审批办理")

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    # The secret's first characters, kept in clear so the holder and the operator can tell tokens apart.
    prefix = models.CharField(_("前缀"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A list of Scope values.
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… {self.name}"


# Asked at every submission for an entity, by the service itself: compiled once per process (core.compiled).
_GRANT_IN_FORCE = CompiledQuery(
    lambda entity_id, user_id, day: EntityAgent.objects.in_force(on=day).filter(entity=entity_id, user=user_id),
    sentinel=(DEFAULT_SENTINEL, DEFAULT_SENTINEL - 1, DATE_SENTINEL),
)
