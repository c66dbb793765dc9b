from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The national five-level scale (政务服务“好差评”): 1 非常不满意 … 5 非常满意.
SCORE_LABELS = {1: _("非常不满意"), 2: _("不满意"), 3: _("基本满意"), 4: _("满意"), 5: _("非常满意")}
BAD_SCORES = (1, 2)
# Reasons a rater may tick, as the national scheme lists them.
REASONS = [
    _("办事指南不清楚"),
    _("材料要求反复、多次跑"),
    _("窗口人员态度不好"),
    _("办理超时"),
    _("系统操作不便"),
    _("收费不合理"),
    _("一次办好，省时省心"),
    _("服务热情周到"),
    _("网上办理方便"),
]


class Rating(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("网上评价")
        WINDOW = "window", _("窗口评价器")

    case = models.OneToOneField("cases.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("评价"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    reasons = models.JSONField(_("评价理由"), default=list, blank=True)
    comment = models.TextField(_("意见建议"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=8, choices=Channel.choices)
    # The applicant's account; null when an applicant without one rated at the window with their code.
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    scope_region = "case__region"
    scope_department = "case__department"

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-created_at"]
        # The efficiency figures' sweep finds the ratings given since its last run every minute.
        indexes = [models.Index(fields=["created_at"], name="rating_created_idx")]

    def __str__(self):
        return f"{self.case.number} {self.score}"

    @property
    def score_label(self):
        return SCORE_LABELS[self.score]


class Rectification(models.Model):
    """整改: a bad rating (1 or 2) obliges the department to answer by a deadline; the applicant sees it."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    department = models.ForeignKey("org.Department", verbose_name=_("整改部门"), on_delete=models.PROTECT)
    due_on = models.DateField(_("整改期限"))
    answer = models.TextField(_("整改情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope_region = "rating__case__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.rating.case.number} 整改"


class RatingCode(models.Model):
    """评价码: a one-time code the applicant holds (shown on their case page or sent to their phone) and types
    into the window's tablet, so the rating there is theirs and never the clerk's. Only its hash is kept."""

    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    # The applicant's account that took the code from its case page; null when it went by SMS.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    # Wrong codes typed for this case while this one was live; at RATING_CODE_ATTEMPTS it is void.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评价码")
        verbose_name_plural = _("评价码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.case.number} 评价码"
