"""Twenty threads, each with its own database connection, answer the same task and then decide the same
case at the same instant. Run by test_concurrency.py against a throwaway PostgreSQL database (DATABASE_URL);
prints one JSON line with what each thread got and what the database holds afterwards."""

import json
import sys
import threading
import uuid

import django

ATTEMPTS = 20


def race(call) -> list[str]:
    """Run `call()` in ATTEMPTS threads released together; each thread's outcome by error class name."""
    from django.db import connection

    from yiwang.core.errors import DomainError

    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except DomainError as exc:
            outcome = type(exc).__name__
        except Exception as exc:  # an unexpected failure is exactly what the test reports
            outcome = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    django.setup()
    from tests.case_fixtures import food_form
    from yiwang.accounts.models import Entity, User
    from yiwang.cases import services
    from yiwang.cases.models import Case, CaseLog
    from yiwang.catalog.models import ItemImplementation
    from yiwang.core.audit import audit_verify
    from yiwang.core.models import AuditEntry
    from yiwang.core.storage import store_upload
    from yiwang.workflow.models import Task

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    permit = ItemImplementation.objects.get(code="R005-440105")
    restaurant = Entity.objects.get(uscc="91440105MA59ABCD17")
    uploads = {
        spec.pk: (store_upload(data=pdf + spec.name.encode(), field="materials"), f"{spec.name}.pdf")
        for spec in permit.item.current_version.materials.all()
        if spec.source == "applicant"
    }
    user = User.objects.get
    case = services.case_submit(
        actor=user(username="enterprise"),
        implementation=permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads,
        idempotency_key=f"race-{uuid.uuid4().hex}",
    )
    case = services.case_accept(actor=user(username="hz-gov_service-clerk"), case=case)
    urban_task = case.tasks.get(department__kind="URBAN")
    samr_task = case.tasks.get(department__kind="SAMR")

    completed = race(
        lambda: services.task_complete(
            actor=user(username="hz-urban-reviewer"), task=urban_task, outcome="agree", opinion="同意（并发）"
        )
    )
    services.task_complete(actor=user(username="hz-samr-reviewer"), task=samr_task, outcome="agree", opinion="同意")
    services.case_propose(actor=user(username="hz-samr-reviewer"), case=case, grant=True, reasons="符合法定条件")
    decided = race(lambda: services.case_decide(actor=user(username="hz-samr-head"), case=case, grant=True))

    case.refresh_from_db()
    log = list(CaseLog.objects.filter(case=case).values_list("action", flat=True))
    print(
        json.dumps(
            {
                "completed": completed,
                "decided": decided,
                "status": case.status,
                "urban_task": Task.objects.get(pk=urban_task.pk).status,
                "tasks": sorted(case.tasks.values_list("role", "status")),
                "log": log,
                "audit_for_case": AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).count(),
                "audit_verify": audit_verify(),
                "cases_with_key": Case.objects.filter(idempotency_key=case.idempotency_key).count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
