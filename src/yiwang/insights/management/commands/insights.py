"""`yiwang insights recompute [--from DATE] [--to DATE]`: rebuild the daily efficiency figures of those days from
the cases (the first fill, or a repair after data was corrected by hand). The worker keeps them current after."""

import datetime as dt

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from yiwang.cases.models import Case
from yiwang.insights.services import figures_recompute


class Command(BaseCommand):
    help = "重算每日效能数据（默认：最早的办件至今天）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        recompute = sub.add_parser("recompute", help="按日重算效能数据")
        recompute.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="开始日期 YYYY-MM-DD")
        recompute.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="结束日期 YYYY-MM-DD（含）")

    def handle(self, *args, verb, start=None, end=None, **options):
        end = end or timezone.localdate()
        if start is None:
            first = Case.objects.order_by("received_on").values_list("received_on", flat=True).first()
            start = first or end
        if end < start:
            raise CommandError("结束日期早于开始日期")
        done = figures_recompute(actor=None, start=start, end=end)
        self.stdout.write(f"已重算 {start} 至 {end}：{done['days']} 天，{done['rows']} 行")
