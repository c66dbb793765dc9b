from django.core.management import BaseCommand, CommandError

from yiwang.core.audit import audit_anchor_record, audit_verify


class Command(BaseCommand):
    help = (
        "审计链：yiwang audit verify 校验各分片的 SM3 哈希链与签名锚点，报告断链之处；"
        "yiwang audit anchor 立即记录一个签名锚点"
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify", "anchor"])

    def handle(self, *args, verb, **options):
        if verb == "anchor":
            anchor = audit_anchor_record()
            if anchor is None:
                self.stdout.write("各分片链尾自上一个锚点以来未变，未记录新锚点")
            else:
                self.stdout.write(self.style.SUCCESS(f"已记录第 {anchor.seq} 号锚点：默克尔根 {anchor.root}"))
            return
        ok, message = audit_verify()
        if not ok:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
