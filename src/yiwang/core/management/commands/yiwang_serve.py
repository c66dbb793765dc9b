import os
import sys

from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("YIWANG_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, bind, workers, **options):
        from gunicorn.app.wsgiapp import run

        sys.argv = [
            "gunicorn",
            "yiwang.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "20",
        ]
        run()
