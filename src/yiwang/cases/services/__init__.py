"""Every change to a case, one module per stage. Keyword-only, actor explicit; each runs in one transaction that
locks the case, moves its state through the model's guard, writes the timeline, the audit entry and the events
together. Callers import from here (`from yiwang.cases import services`), never from a stage module."""

from .acceptance import case_accept, case_material_supply, case_refuse_acceptance
from .clock import (
    MAX_SUSPENSION_DAYS,
    case_extension_approve,
    case_extension_request,
    case_resume,
    case_suspension_approve,
    case_suspension_request,
)
from .correction import case_request_correction, case_resubmit
from .decision import REMEDIES, case_decide, case_propose
from .delivery import case_deliver, case_deliver_electronically, case_delivery_update
from .review import TASK_OUTCOMES, task_claim, task_complete
from .submission import case_submit, case_withdraw, submission_problems
from .supervision import supervision_order_answer, supervision_order_issue
from .sweep import clock_sweep

__all__ = [
    "MAX_SUSPENSION_DAYS",
    "REMEDIES",
    "TASK_OUTCOMES",
    "case_accept",
    "case_decide",
    "case_deliver",
    "case_deliver_electronically",
    "case_delivery_update",
    "case_extension_approve",
    "case_extension_request",
    "case_material_supply",
    "case_propose",
    "case_refuse_acceptance",
    "case_request_correction",
    "case_resubmit",
    "case_resume",
    "case_submit",
    "case_suspension_approve",
    "case_suspension_request",
    "case_withdraw",
    "clock_sweep",
    "submission_problems",
    "supervision_order_answer",
    "supervision_order_issue",
    "task_claim",
    "task_complete",
]
