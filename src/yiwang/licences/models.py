"""E-licences and the departments' seal keys that sign them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import InvalidTransition


class SealKey(models.Model):
    """A department's SM2 seal. One is active at a time; retired ones stay to verify what they signed inside
    their window; a revoked one no longer vouches for what is signed from its revocation on.

    A key is trusted only while `certificate`, the platform root key's signature over signing.seal_statement,
    verifies: the root key is configuration, so a row inserted or edited in the database is an unknown key."""

    class State(models.TextChoices):
        ACTIVE = "active", _("使用中")
        RETIRED = "retired", _("已停用")
        REVOKED = "revoked", _("已吊销（密钥泄露）")

    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="seal_keys"
    )
    public_key_pem = models.TextField(_("公钥（PEM）"))
    # PKCS#8 PEM encrypted under YIWANG_SEAL_KEY: a database dump alone cannot forge a seal.
    private_key_encrypted = models.BinaryField(_("私钥（加密存储）"))
    created_at = models.DateTimeField(_("启用时间"), auto_now_add=True)
    # Set on rotation; a retired key never signs again but still verifies the licences it signed.
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # SM3 of the public key's DER form: the name the issuer directory and each licence's payload give the key.
    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    # Whole seconds, as signed: the window [valid_from, retired_at] within which the key's signatures count.
    valid_from = models.DateTimeField(_("生效时间"))
    revoked_at = models.DateTimeField(_("吊销生效时间"), null=True, blank=True)
    revocation_reason = models.TextField(_("吊销理由"), blank=True)
    certificate = models.BinaryField(_("根密钥证书（SM2 签名）"))

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("电子印章密钥")
        verbose_name_plural = _("电子印章密钥")
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"], condition=models.Q(retired_at__isnull=True), name="seal_one_active_key"
            )
        ]

    def __str__(self):
        return f"{self.department} #{self.pk}"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        return self.State.RETIRED if self.retired_at is not None else self.State.ACTIVE

    @property
    def state_label(self) -> str:
        return self.State(self.state).label


class Licence(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已吊销")
        ANNULLED = "annulled", _("已撤销")
        CANCELLED = "cancelled", _("已注销")

    number = models.CharField(_("证照编号"), max_length=40, unique=True)
    licence_type = models.ForeignKey("catalog.LicenceType", verbose_name=_("证照类型"), on_delete=models.PROTECT)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="licences"
    )
    holder_entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("持证主体（法人）"), null=True, blank=True, on_delete=models.PROTECT
    )
    holder_person = models.ForeignKey(
        "accounts.Person", verbose_name=_("持证人（自然人）"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey("org.Department", verbose_name=_("发证部门"), on_delete=models.PROTECT)
    issued_on = models.DateField(_("发证日期"))
    # Null: long-term (长期有效), e.g. a business licence without an operating term.
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    # What the licence says besides holder and dates (business scope, premises …): part of what is signed.
    data = models.JSONField(_("证照信息"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(_("状态变更理由"), blank=True)
    status_basis = models.CharField(_("依据"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    # SM3 of the canonical serialisation (see signing.licence_payload); what the seal signed.
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    # The digest of the first signing format, which also held the holder's full identity number: a QR code printed
    # before the licence was re-signed over its public view still carries it.
    legacy_digest = models.CharField(_("原 SM3 摘要"), max_length=64, blank=True)
    # When the seal signed, whole seconds: inside the seal key's window, or the signature does not count.
    signed_at = models.DateTimeField(_("签章时间"))
    signature = models.BinaryField(_("SM2 签名（DER）"))
    seal_key = models.ForeignKey(SealKey, verbose_name=_("签章密钥"), on_delete=models.PROTECT, related_name="+")
    # Set when the renewal reminder (行政许可法 第五十条) went out, so each licence is reminded once.
    renewal_reminded_at = models.DateTimeField(_("换证提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holder_person__isnull=False) | models.Q(holder_entity__isnull=False),
                name="licence_has_holder",
            ),
            # A case issues at most one licence: a replayed case.granted finds the first.
            models.UniqueConstraint(fields=["case"], condition=models.Q(case__isnull=False), name="licence_per_case"),
        ]
        indexes = [
            models.Index(fields=["holder_entity", "licence_type"], name="licence_entity_type_idx"),
            models.Index(fields=["holder_person", "licence_type"], name="licence_person_type_idx"),
        ]

    def __str__(self):
        return f"{self.licence_type.name} {self.number}"

    @property
    def holder(self):
        return self.holder_entity or self.holder_person

    def change_status(self, target: str) -> None:
        """Only a valid licence can be revoked, annulled or cancelled; each of those is final."""
        if self.status != self.Status.VALID:
            raise InvalidTransition(_("证照当前为「%(s)s」，不能再变更状态") % {"s": self.get_status_display()})
        self.status = target


class RenewalRule(models.Model):
    """行政许可法 第五十条第一款 但书: where a law, regulation or rule sets another filing period for an item's
    renewal, that period; an item without a rule renews under the article's own 30 calendar days."""

    class Unit(models.TextChoices):
        CALENDAR = "calendar", _("日（自然日）")
        WORKING = "working", _("工作日")

    item = models.OneToOneField(
        "catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.CASCADE, related_name="renewal_rule"
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("届满前最迟提出延续申请的天数"), default=30, help_text=_("行政许可法第五十条：有效期届满三十日前")
    )
    # When the provision also sets the earliest day (e.g. "届满前90个工作日至15个工作日期间"); empty: none.
    opens_days = models.PositiveSmallIntegerField(
        _("届满前最早可申请的天数"), null=True, blank=True, help_text=_("空表示法律未规定最早申请时间")
    )
    unit = models.CharField(_("天数计法"), max_length=10, choices=Unit.choices, default=Unit.CALENDAR)
    basis = models.CharField(
        _("另有规定的依据"), max_length=200, help_text=_("例如：《食品经营许可和备案管理办法》第二十九条")
    )

    class Meta:
        verbose_name = _("延续申请期限（另有规定）")
        verbose_name_plural = _("延续申请期限（另有规定）")
        ordering = ["item"]

    def __str__(self):
        return f"{self.item} {self.basis}"


class Renewal(models.Model):
    """An application to renew (延续) a licence: a case of the licence's item, filed inside the renewal window."""

    licence = models.ForeignKey(Licence, verbose_name=_("原证照"), on_delete=models.PROTECT, related_name="renewals")
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("延续申请办件"), on_delete=models.PROTECT, related_name="renewal"
    )
    # The expiry the application was filed against: 第五十条第二款's "有效期届满前" is judged on this day.
    expires_on = models.DateField(_("原证照有效期至"))
    filed_on = models.DateField(_("申请日"))
    # 第五十条第二款: no decision by the expiry → deemed renewed; the sweep sets these and issues the licence.
    deemed_on = models.DateField(_("视为准予延续日"), null=True, blank=True)
    renewed_licence = models.OneToOneField(
        Licence,
        verbose_name=_("延续后证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_from",
    )

    scope_region = "licence__department__region"
    scope_department = "licence__department"

    class Meta:
        verbose_name = _("证照延续申请")
        verbose_name_plural = _("证照延续申请")
        ordering = ["-filed_on", "-pk"]

    def __str__(self):
        return f"{self.licence.number} → {self.case.number}"
