from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "启动后台任务进程（数据库队列）"

    def handle(self, *args, **options):
        call_command("db_worker", "--queue-name", "*", "--no-reload")
