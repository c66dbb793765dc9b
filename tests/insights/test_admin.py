"""The operator recomputes the figures of a range of days in the admin; nobody else may."""

import datetime as dt

from django.utils import timezone

from yiwang.core.models import AuditEntry
from yiwang.insights.models import DailyFigure, MonthlyFigure

URL = "/admin/insights/monthlyfigure/recompute/"


def test_the_operator_recomputes_a_week(client, superuser, in_review):
    today = timezone.localdate()
    client.force_login(superuser)
    assert "重算效能数据" in client.get("/admin/insights/monthlyfigure/").content.decode()
    assert client.get(URL).status_code == 200
    answer = client.post(URL, {"start": (today - dt.timedelta(days=6)).isoformat(), "end": today.isoformat()})
    assert answer.status_code == 302
    assert DailyFigure.objects.filter(day=today, accepted=1).exists()
    assert MonthlyFigure.objects.filter(month=today.replace(day=1)).exists()
    assert AuditEntry.objects.filter(action="insights.figures_recomputed").exists()


def test_a_range_longer_than_a_quarter_goes_to_the_command(client, superuser, monday):
    today = timezone.localdate()
    client.force_login(superuser)
    answer = client.post(URL, {"start": (today - dt.timedelta(days=200)).isoformat(), "end": today.isoformat()})
    assert answer.status_code == 200
    assert "yiwang insights recompute" in answer.content.decode()
    assert not DailyFigure.objects.exists()


def test_a_district_administrator_may_not_recompute(client, catalog_admin, monday):
    catalog_admin.is_staff = True
    catalog_admin.save(update_fields=["is_staff"])
    client.force_login(catalog_admin)
    assert client.get(URL).status_code in (302, 403)


def test_the_command_recomputes_from_the_first_case_to_today(in_review):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("insights", "recompute", "--from", timezone.localdate().isoformat(), stdout=out)
    assert "已重算" in out.getvalue()
    assert DailyFigure.objects.filter(day=timezone.localdate()).exists()
