"""The read replica against a real PostgreSQL streaming replica (pg_basebackup -R), started here.

Proof of routing: replay on the replica is paused, a department is added on the primary; its public page (opted
in, core.replica) answers 404 while the primary has it, and shows it once replay resumes. A
write made inside the opt-in still lands on the primary (the replica would refuse it: it is read-only).

Runs when YIWANG_REPLICA_TEST=1, and under CI (CI=true) unless YIWANG_REPLICA_TEST=0; there, a pair that cannot
start is a failure, not a skip. About 30 s: two servers, migrations, the reference organisation.
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest

from .conftest import ROOT, environment
from .pg_pair import primary_and_replica

WANTED = os.environ.get("YIWANG_REPLICA_TEST", "1" if os.environ.get("CI") == "true" else "0") == "1"
pytestmark = pytest.mark.skipif(not WANTED, reason="set YIWANG_REPLICA_TEST=1 (CI runs it)")

SETUP = """
import django
django.setup()
from django.core.management import call_command
from yiwang.catalog.reference import reference_data
from yiwang.org.reference import load_organisation
call_command("migrate", interactive=False, verbosity=0)
load_organisation(reference_data())
"""

LOOK = """
import django, json, sys
django.setup()
from django.test import Client
from yiwang.core.replica import read_only_replica
from yiwang.org.models import Department, Region

names = sys.argv[1:3]
if sys.argv[3] == "write":
    home = Region.objects.get(code="440105")
    Department.objects.create(region=home, kind="REPL_A", name=names[0], code="440105-REPL-A")
    with read_only_replica():
        home = Region.objects.get(code="440105")  # read from the replica
        Department.objects.create(region=home, kind="REPL_B", name=names[1], code="440105-REPL-B")
client = Client(SERVER_NAME="127.0.0.1")
pages = [client.get(f"/departments/440105-REPL-{x}/") for x in "AB"]
assert {page.status_code for page in pages} <= {200, 404}, [page.status_code for page in pages]
with read_only_replica():
    replica = [Department.objects.filter(name=n).exists() for n in names]
print(json.dumps({
    "page": [page.status_code == 200 and n in page.content.decode() for page, n in zip(pages, names)],
    "replica": replica,
    "primary": [Department.objects.filter(name=n).exists() for n in names],
}))
"""


def _python(script: str, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_opted_in_reads_come_from_the_replica_and_writes_go_to_the_primary():
    with primary_and_replica() as pair, tempfile.TemporaryDirectory(prefix="yiwang-replica-var-") as var_dir:
        import psycopg

        with psycopg.connect(pair.url(pair.primary_port), autocommit=True) as conn:
            conn.execute("CREATE DATABASE yiwang")
        env = {
            **environment(pair.url(pair.primary_port, "yiwang"), var_dir),
            "DATABASE_REPLICA_URL": pair.url(pair.replica_port, "yiwang"),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
        _python(SETUP, env)
        pair.caught_up()
        assert pair.replica_sql("SELECT pg_is_in_recovery()")[0]
        pair.replica_sql("SELECT pg_wal_replay_pause()")

        names = ["复制延迟测试局", "只读区内写入局"]
        seen = json.loads(_python(LOOK, env, *names, "write").splitlines()[-1])
        assert seen["primary"] == [True, True]  # both writes, the opted-in one too, reached the primary
        assert seen["replica"] == [False, False]  # paused: the replica has neither
        assert seen["page"] == [False, False]  # the public page read the replica

        pair.replica_sql("SELECT pg_wal_replay_resume()")
        pair.caught_up()
        seen = json.loads(_python(LOOK, env, *names, "look").splitlines()[-1])
        assert seen == {"page": [True, True], "replica": [True, True], "primary": [True, True]}
