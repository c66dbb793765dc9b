"""Open311 GeoReport v2's own records: the API keys a district issues to outside clients, and the token each
posted request gets (GET tokens/{token} answers with the work order's number)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key an outside client posts requests with (FixMyStreet, a city app). Only its SHA-256 is kept; the key
    is shown once, when issued in the admin. Requests posted with it go to its district's 12345 centre."""

    name = models.CharField(_("客户端名称"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    region = models.ForeignKey("org.Region", verbose_name=_("受理区"), on_delete=models.PROTECT)
    active = models.BooleanField(_("启用"), default=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    scope_region = "region"
    scope_department = None

    class Meta:
        verbose_name = _("开放接口密钥")
        verbose_name_plural = _("开放接口密钥")

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"


class Submission(models.Model):
    """A request posted through the API: its token, its key, the work order it became."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.OneToOneField("hotline.WorkOrder", on_delete=models.CASCADE, related_name="open311_submission")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("开放接口提交")
        verbose_name_plural = _("开放接口提交")
