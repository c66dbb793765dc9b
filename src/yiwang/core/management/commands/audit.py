from django.core.management import BaseCommand, CommandError

from yiwang.core.audit import audit_verify


class Command(BaseCommand):
    help = "审计链：yiwang audit verify 校验 SM3 哈希链，报告第一处断链"

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, verb, **options):
        ok, message = audit_verify()
        if not ok:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
