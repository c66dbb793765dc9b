"""A throwaway PostgreSQL primary and streaming replica (pg_basebackup -R) in temporary directories.

Self-contained: it needs only the server binaries (Debian's postgresql package), not a configurable server.
initdb refuses to run as root, so as root every server command runs as the `postgres` system user (runuser).
Both servers are stopped and their directories removed on exit, whatever happened.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg

START_TIMEOUT = 60


def binaries() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Pair:
    def __init__(self, bindir: Path, root: Path):
        self.bindir, self.root = bindir, root
        self.primary_port, self.replica_port = free_port(), free_port()
        self.as_postgres = os.geteuid() == 0

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=START_TIMEOUT * 2)

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def start(self) -> None:
        primary, replica = self.root / "primary", self.root / "replica"
        self.run("initdb", "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                # wal_level replica and the senders are initdb's defaults; said here so the pair does not depend on them
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                # a throwaway pair: durability is not what is tested
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        self.run("pg_ctl", "-D", str(primary), "-l", str(self.root / "primary.log"), "-w", "-t", "60", "start")
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self.run("pg_ctl", "-D", str(replica), "-l", str(self.root / "replica.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                with suppress(subprocess.SubprocessError):
                    self.run("pg_ctl", "-D", str(self.root / name), "-m", "immediate", "-w", "stop")

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(self.url(self.primary_port), autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.url(self.replica_port), autocommit=True) as conn:
            while time.monotonic() < deadline:
                if conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                    return
                time.sleep(0.1)
        raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")

    def replica_sql(self, sql: str):
        with psycopg.connect(self.url(self.replica_port), autocommit=True) as conn:
            return conn.execute(sql).fetchone()


@contextmanager
def primary_and_replica():
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb) found: install Debian's postgresql package")
    root = Path(tempfile.mkdtemp(prefix="yiwang-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    pair = Pair(bindir, root)
    try:
        pair.start()
        yield pair
    except subprocess.CalledProcessError as failure:
        logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in root.glob("*.log"))
        raise RuntimeError(f"{failure.cmd} failed: {failure.stderr!r}\n{logs}") from failure
    finally:
        pair.stop()
        shutil.rmtree(root, ignore_errors=True)
