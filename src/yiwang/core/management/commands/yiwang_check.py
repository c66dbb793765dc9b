"""`yiwang check`: Django's system checks (every option of `manage.py check`, --deploy included) and then the
platform's own: the database answers, the secret is not the demo's, OpenSSL has SM3, holiday data per year.

Without --deploy, the deployment checks still run whenever DEBUG is off, as they did before the options existed."""

import hashlib

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands.check import Command as DjangoCheck
from django.db import connection
from django.utils import timezone

from yiwang.core.calendar import missing_years


class Command(DjangoCheck):
    help = "检查配置：Django 系统检查（--deploy 等选项同 manage.py check），再查数据库连接、密钥、国密算法、节假日数据"

    def handle(self, *app_labels, **options):
        problems, notes = [], []
        try:
            connection.ensure_connection()
            notes.append(f"数据库：{connection.vendor} 可连接")
        except Exception as exc:
            problems.append(f"数据库无法连接：{exc}")
        if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
            (notes if settings.DEBUG else problems).append("SECRET_KEY 仍是演示密钥（生产环境必须更换）")
        if settings.DEBUG:
            notes.append("DEBUG 已开启（仅限开发与演示）")
        try:
            hashlib.new("sm3", b"abc")
            notes.append("SM3：OpenSSL 提供")
        except ValueError:
            problems.append("当前 OpenSSL 不支持 SM3，审计链无法工作（需要 OpenSSL 1.1.1 及以上）")
        for year in missing_years(timezone.localdate()):
            notes.append(f"{year} 年尚无节假日数据：期限按周末临时计算，请在管理后台录入国务院当年安排")
        super().handle(*app_labels, **{**options, "deploy": options["deploy"] or not settings.DEBUG})
        if options["list_tags"]:
            return
        for note in notes:
            self.stdout.write(f"· {note}")
        if problems:
            raise CommandError("；".join(problems))
        self.stdout.write(self.style.SUCCESS("配置检查通过"))
