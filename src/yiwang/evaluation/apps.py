from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "yiwang.evaluation"
    label = "evaluation"
    verbose_name = _("第三方评估")

    def ready(self):
        from yiwang.core.storage import register_file_holder

        from .models import Score

        # An evaluator's evidence is an upload no case material takes up: the sweep must leave it alone.
        register_file_holder(Score, "evidence_key")
