import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command

from yiwang.accounts.demo import DEMO_PASSWORD, load_demo_people
from yiwang.cases.demo import load_demo_history
from yiwang.catalog.reference import load_catalog, reference_data
from yiwang.desk.demo import load_demo_appointments
from yiwang.evaluation.seeds import load_demo_round, load_evaluation_systems
from yiwang.grid.reference import load_grid
from yiwang.hotline.demo import load_demo_orders
from yiwang.hotline.reference import load_hotline_reference
from yiwang.insights.demo import load_demo_figures
from yiwang.licences.demo import load_demo_licences
from yiwang.org.reference import load_organisation
from yiwang.publicity.demo import load_demo_decisions
from yiwang.workflow.services import load_demo_processes


class Command(BaseCommand):
    help = "迁移数据库、载入演示数据，并在 YIWANG_BIND（默认 127.0.0.1:8000）启动网站与后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=0, help="另外生成多少个模拟事项（用于基准测试，如 10000）")
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务")
        parser.add_argument("--bind", default=os.environ.get("YIWANG_BIND", "127.0.0.1:8000"))

    def handle(self, *args, items, no_serve, bind, **options):
        call_command("migrate", interactive=False, verbosity=0)
        data = reference_data()
        regions = load_organisation(data)
        load_catalog(data, regions)
        accounts = load_demo_people()
        # After the personas: the demo 网格员 is given their street's cells.
        load_grid()
        load_demo_licences()
        load_demo_processes()
        load_demo_appointments()
        load_hotline_reference()
        # After the grid and the personas: the demo's work orders are located in cells and handled by liaisons.
        load_demo_orders()
        # After the personas and the halls: a year of past cases handed over from the old system.
        load_demo_history()
        # After the personas and the processes: decided by the departments' demo staff, then published (双公示).
        load_demo_decisions()
        # The efficiency figures, counted from all of the above.
        load_demo_figures()
        # Last: the demo round is set up by the platform's administrator for the city's evaluator, and its computed
        # values are taken from the figures.
        load_evaluation_systems()
        load_demo_round()
        if items:
            from yiwang.catalog.generated import generate_items

            made = generate_items(count=items)
            self.stdout.write(f"已生成模拟事项 {made} 个")
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, description in accounts:
            self.stdout.write(f"  {username:<28} {description}")
        if no_serve:
            return
        site = settings.YIWANG_PUBLIC_URL
        self.stdout.write(self.style.SUCCESS(f"门户：{site}/   管理后台：{site}/admin/   接口文档：{site}/api/v1/docs"))
        self._serve(bind)

    def _serve(self, bind: str) -> None:
        """Run the web server and the worker side by side until Ctrl-C, then stop both."""
        call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ)
        yiwang = [sys.executable, "-m", "yiwang.config.cli"]
        children = [
            subprocess.Popen([*yiwang, "serve", "--bind", bind], env=env),
            subprocess.Popen([*yiwang, "worker"], env=env),
        ]
        try:
            while all(child.poll() is None for child in children):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)
