"""The register's history and the data-sharing API's clients, access log and rate windows.

The entity register itself is accounts.Entity; the approval, credit and licence stores are read straight
from cases.Case, credit.CreditRecord and licences.Licence (selectors.py), so nothing here copies them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each store can show, field by field; a client's scope is a subset of this.
STORE_FIELDS: dict[str, tuple[str, ...]] = {
    "entities": (
        "uscc",
        "name",
        "entity_type",
        "legal_representative",
        "address",
        "region",
        "business_scope",
        "status",
        "registered_at",
    ),
    "licences": (
        "number",
        "licence_type",
        "licence_type_name",
        "department",
        "issued_on",
        "valid_until",
        "status",
        "status_reason",
        "data",
    ),
    "credit": ("list_kind", "department", "basis", "reason", "starts_on", "ends_on", "repaired_at"),
    "approvals": (
        "case",
        "item",
        "item_name",
        "department",
        "decided_at",
        "granted",
        "decision_reasons",
        "result_data",
    ),
}


class Store(models.TextChoices):
    ENTITIES = "entities", _("主体登记库")
    LICENCES = "licences", _("证照库")
    CREDIT = "credit", _("信用库")
    APPROVALS = "approvals", _("审批库")


class EntityChange(models.Model):
    """One entry of the register's history: the business-licence case that created or changed an entity."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("设立登记")
        UPDATED = "updated", _("变更登记")

    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="register_changes"
    )
    # One case changes the register once, however often its event is delivered.
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="register_change"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # {field: [before, after]} for an update; {field: value} for a registration.
    changes = models.JSONField(_("登记事项"), default=dict)
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("主体登记记录")
        verbose_name_plural = _("主体登记记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.entity} {self.get_kind_display()}"


def validate_scopes(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("授权范围应为 {库: [字段, …]}"))
    for store, fields in value.items():
        if store not in STORE_FIELDS:
            raise ValidationError(_("没有名为「%(s)s」的库") % {"s": store})
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise ValidationError(_("「%(s)s」的字段应为字段名列表") % {"s": store})
        unknown = sorted(set(fields) - set(STORE_FIELDS[store]))
        if unknown:
            raise ValidationError(_("「%(s)s」没有字段：%(f)s") % {"s": store, "f": "、".join(unknown)})


class SharingClient(models.Model):
    """A department system allowed to read the shared stores with OAuth2 client credentials."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name=_("OAuth2 应用"),
        on_delete=models.CASCADE,
        related_name="sharing_client",
    )
    name = models.CharField(_("系统名称"), max_length=120)
    department = models.ForeignKey("org.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT)
    # {store: [field, …]}: which stores the client may read and which of their fields it receives.
    scopes = models.JSONField(_("授权范围"), default=dict, validators=[validate_scopes])
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=60)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据共享客户端")
        verbose_name_plural = _("数据共享客户端")

    def __str__(self):
        return self.name

    def fields_for(self, store: str) -> list[str]:
        """The allowed fields of a store in the store's own order; empty when the store is not granted."""
        allowed = set(self.scopes.get(store) or ())
        return [f for f in STORE_FIELDS[store] if f in allowed]


class AccessLog(models.Model):
    """Every read through the sharing API, refused ones included: who read whose data, which fields, why."""

    class Outcome(models.TextChoices):
        SERVED = "served", _("已提供")
        NO_SCOPE = "no_scope", _("无授权，已拒绝")
        NO_PURPOSE = "no_purpose", _("未说明用途，已拒绝")
        RATE_LIMITED = "rate_limited", _("超过频率限制，已拒绝")
        NOT_FOUND = "not_found", _("无此主体")

    client = models.ForeignKey(SharingClient, verbose_name=_("客户端"), on_delete=models.PROTECT, related_name="reads")
    store = models.CharField(_("库"), max_length=10, choices=Store.choices)
    # The fields actually returned (empty when refused).
    fields = models.JSONField(_("字段"), default=list)
    # The data subject: a USCC (or, for a person, an identity number).
    subject = models.CharField(_("数据主体"), max_length=18)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据共享访问记录")
        verbose_name_plural = _("数据共享访问记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "-at"], name="accesslog_subject_at_idx")]

    def __str__(self):
        return f"{self.client} {self.store} {self.subject}"


class RateWindow(models.Model):
    """Requests a client made in one minute (a fixed window), counted in the database so every process shares it."""

    client = models.ForeignKey(SharingClient, on_delete=models.CASCADE, related_name="+")
    # The minute's start (UTC).
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="ratewindow_unique")]
