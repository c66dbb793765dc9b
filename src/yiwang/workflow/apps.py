from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "yiwang.workflow"
    label = "workflow"
    verbose_name = _("审批流程")

    def ready(self):
        from yiwang.core.cache import bump_on_change

        from .models import ProcessDefinition, Stage, StageParticipant

        bump_on_change("process", ProcessDefinition, Stage, StageParticipant)
