import json
from collections import Counter

from django.core.management import BaseCommand, CommandError

from yiwang.catalog.devolution import devolution_mismatches
from yiwang.catalog.models import DevolutionFinding, ServiceItem


class Command(BaseCommand):
    help = (
        "事项目录检查：yiwang catalog check-devolution [--item 事项编码 …] [--json] 检查放权同步"
        "（前置事项、同一件事的事项、参与审批部门层级高于本事项，或只下放到部分区县），发现问题时以状态 1 退出"
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        check = verbs.add_parser("check-devolution", help="放权同步检查（只读，不改动已保存的检查结果）")
        check.add_argument("--item", action="append", dest="items", metavar="CODE", help="只检查这些事项（可重复）")
        check.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, verb, items=None, as_json=False, **options):
        selected = None
        if items:
            found = dict(ServiceItem.objects.filter(code__in=items).values_list("code", "pk"))
            unknown = sorted(set(items) - set(found))
            if unknown:
                raise CommandError(f"没有这些事项：{'、'.join(unknown)}", returncode=2)
            selected = found.values()
        findings = devolution_mismatches(items=selected)
        if as_json:
            self.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
        else:
            self._print(findings)
        if findings:
            raise CommandError(f"发现 {len(findings)} 处放权不同步", returncode=1)

    def _print(self, findings) -> None:
        if not findings:
            self.stdout.write(self.style.SUCCESS("放权同步检查：未发现问题"))
            return
        counts = Counter(f.kind for f in findings)
        summary = "，".join(
            f"{DevolutionFinding.Kind(k).label} {counts[k]} 处" for k in DevolutionFinding.Kind.values if counts[k]
        )
        self.stdout.write(f"放权同步检查：共 {len(findings)} 处（{summary}）")
        for finding in findings:
            self.stdout.write(f"[{DevolutionFinding.Kind(finding.kind).label}] {finding.item}：{finding.message}")
