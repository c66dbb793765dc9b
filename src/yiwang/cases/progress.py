"""办件进度查询 without an account: the case number and the query code printed on every notice."""

from django.urls import reverse

from yiwang.cases.models import Case
from yiwang.core.urls import public_url


def progress_address() -> str:
    """The lookup page's full address, as notices print it and pages show it."""
    return public_url(reverse("portal:progress"))


def case_by_query_code(number: str, query_code: str) -> Case | None:
    """The case the pair opens, or None for any mismatch (the caller must not say which half was wrong)."""
    number, query_code = (number or "").strip().upper(), (query_code or "").strip()
    if not number or not query_code:
        return None
    return (
        Case.objects.select_related("item", "department", "applicant_person", "applicant_entity")
        .filter(number=number, query_code=query_code)
        .first()
    )


def masked_applicant(case: Case) -> str:
    """An entity's registered name is public; a person shows the family name only (王**)."""
    if case.applicant_entity_id:
        return case.applicant_entity.name
    name = case.applicant_person.name if case.applicant_person_id else ""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "—"
