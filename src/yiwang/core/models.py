import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import chain_fields


class AuditHead(models.Model):
    """One shard's tip: locked only while a committing transaction appends its entries (core.writebehind.flush)."""

    shard = models.PositiveSmallIntegerField(unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)


class AuditEntry(models.Model):
    # Which of settings.AUDIT_SHARDS chains the entry is on: one case's whole history is on one shard.
    shard = models.PositiveSmallIntegerField(_("分片"))
    # Position in its shard's chain, from 1 without gaps.
    seq = models.PositiveBigIntegerField(_("序号"))
    # Set in Python before hashing (whole microseconds), so the hash covers it.
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Kept beside the key so the entry still names who acted if the account is renamed.
    actor_label = models.CharField(_("操作人名称"), max_length=150)
    action = models.CharField(_("操作"), max_length=80)
    target_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    data = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希（SM3）"), max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=("shard", "seq"), name="audit_entry_one_per_shard_seq")]

    def __str__(self):
        return f"#{self.shard}/{self.seq} {self.action}"

    def chain_fields(self) -> dict:
        return chain_fields(self)


class AuditAnchor(models.Model):
    """A signed checkpoint of every shard's head: trimming a shard's tail, or recomputing its chain without the
    platform audit key, no longer matches the last anchor. Anchors form their own hash chain."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    # {"shard": [seq, hash]} for every shard that has entries.
    heads = models.JSONField(_("各分片链尾"))
    # SM3 Merkle root over the heads in shard order (core.audit.merkle_root).
    root = models.CharField(_("默克尔根"), max_length=64)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希（SM3）"), max_length=64)
    # SM3 of the signing key's public key (core.sm2.key_id).
    key_id = models.CharField(_("密钥标识"), max_length=64)
    # SM2 over the anchor's canonical bytes (core.audit.anchor_bytes).
    signature = models.BinaryField(_("签名（SM2）"))

    class Meta:
        verbose_name = _("审计锚点")
        verbose_name_plural = _("审计锚点")
        ordering = ["-seq"]

    def __str__(self):
        return f"#{self.seq} {self.root[:12]}"


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule an administrator has entered as overrides."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class WorkdayOverride(models.Model):
    """A day whose status differs from the statutory calendar: a local adjustment, or a year's schedule."""

    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("是否工作日"))
    # Empty means nationwide; otherwise the override applies to this region and every region below it.
    region = models.ForeignKey(
        "org.Region", verbose_name=_("适用行政区划"), null=True, blank=True, on_delete=models.CASCADE
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "region"], name="workday_override_unique"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(region__isnull=True), name="workday_override_national_unique"
            ),
        ]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class Event(models.Model):
    """The outbox: a fact the platform announces, written in the same transaction as the change it reports."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("事件类型"), max_length=60, db_index=True)
    payload = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-created_at"]
        # The redelivery sweep walks a window of recent events in time order, and the admin lists newest first.
        indexes = [models.Index(fields=["created_at"], name="core_event_created")]

    def __str__(self):
        return f"{self.type} {self.id}"


class EventDelivery(models.Model):
    """One consumer has applied one event: the row that makes every consumer idempotent by event id."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=80)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "consumer"], name="event_delivery_once")]


class ConsumerFailure(models.Model):
    """A consumer that raised on an event: retried with backoff by the redelivery sweep, dead after the last try.

    The row goes when a retry applies the event (the EventDelivery then records it), so what remains is
    only what still needs attention.
    """

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="consumer_failures")
    consumer = models.CharField(_("消费者"), max_length=80)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    # The exception's class and a scrubbed, shortened message; the traceback goes to the log only.
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    first_failed_at = models.DateTimeField(_("首次失败时间"))
    last_failed_at = models.DateTimeField(_("最近失败时间"))
    # When the sweep may retry it; the sweep also pushes it ahead while retrying, as a lease other workers respect.
    next_attempt_at = models.DateTimeField(_("下次重试时间"))
    dead = models.BooleanField(_("已放弃（死信）"), default=False)
    dead_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件处理失败")
        verbose_name_plural = _("事件处理失败")
        ordering = ["next_attempt_at"]
        constraints = [models.UniqueConstraint(fields=["event", "consumer"], name="consumer_failure_once")]
        indexes = [models.Index(fields=["dead", "next_attempt_at"], name="consumer_failure_due")]

    def __str__(self):
        return f"{self.consumer} ← {self.event_id}"


class Notification(models.Model):
    """An in-app message; SMS and e-mail copies go out through the configured senders."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Upload(models.Model):
    """One file as one person uploaded it: what the daily quota counts and what the sweep removes when no case
    material took it up. The bytes live in the material store under `key`, shared by every identical upload."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="uploads"
    )
    key = models.CharField(_("文件"), max_length=64, db_index=True)
    # The name as sanitised at storage time (core.storage.clean_filename), never the client's raw one.
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"], name="upload_owner_day")]

    def __str__(self):
        return self.name or self.key


class IdempotencyKey(models.Model):
    """A submission's Idempotency-Key, claimed before the submission runs: a second request with the same key
    waits on this row's unique index until the first commits, then answers with the first one's case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("幂等键"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return self.key


class CacheGeneration(models.Model):
    """The generation of one per-process cache of reference data (core.cache): a writer replaces the token in its
    own transaction, and every process drops what it holds under an older token the next time it looks."""

    name = models.CharField(max_length=40, primary_key=True)
    # Random, never a counter: a rolled-back bump must not be repeated by a later one with other data.
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.name}:{self.token}"


class SweepMark(models.Model):
    """Where a periodic job of the worker's sweep got to at its last run, so a costly job can skip the sweeps that
    bring it nothing new (hotline hotspot detection). A lost row only costs the job one more run."""

    name = models.CharField(max_length=60, primary_key=True)
    # When the job last ran.
    at = models.DateTimeField()
    # The highest primary key of the rows the job reads, taken as it last ran: a row above it came in since.
    last_pk = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}@{self.at:%Y-%m-%d %H:%M}"
