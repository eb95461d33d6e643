"""A throwaway PostgreSQL cluster for the suite's PostgreSQL run: initdb into a temp dir, start, stop, delete.

As root (CI), the server runs as the ``postgres`` user via runuser, since PostgreSQL refuses to run as root."""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager


def find_pg_bin() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries not found (make test installs Debian's postgresql)")
    return os.path.dirname(candidates[0])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class ClusterControl:
    """Stop and start a running test cluster (for outage tests on a cluster of their own)."""

    def __init__(self, bin_dir: str, data_dir: str, options: str):
        self.bin_dir, self.data_dir, self.options = bin_dir, data_dir, options

    def stop(self) -> None:
        # "fast", not "immediate": the cluster runs with synchronous_commit=off, so a crash could lose the last
        # commits (the test's own schema) – the app sees its connections cut either way
        pg_ctl = [f"{self.bin_dir}/pg_ctl", "-D", self.data_dir, "-w", "-m", "fast", "stop"]
        subprocess.run(_as_server_user(pg_ctl), check=True, capture_output=True)

    def start(self) -> None:
        log = f"{self.data_dir}/server.log"
        pg_ctl = [f"{self.bin_dir}/pg_ctl", "-D", self.data_dir, "-w", "-l", log, "-o", self.options, "start"]
        subprocess.run(_as_server_user(pg_ctl), check=True, capture_output=True)


@contextmanager
def postgres_cluster(port: int, control: list | None = None):
    """Yield a SQLAlchemy URL of a fresh cluster listening on 127.0.0.1:port; ``control`` (a list) receives a
    ClusterControl to stop and start it."""
    bin_dir = find_pg_bin()
    data_dir = tempfile.mkdtemp(prefix="netzwerk-pg-")
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    try:
        subprocess.run(
            _as_server_user(
                [
                    f"{bin_dir}/initdb",
                    "-D",
                    data_dir,
                    "-U",
                    "app",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {data_dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_server_user(
                [f"{bin_dir}/pg_ctl", "-D", data_dir, "-w", "-l", f"{data_dir}/server.log", "-o", options, "start"]
            ),
            check=True,
            capture_output=True,
        )
        if control is not None:
            control.append(ClusterControl(bin_dir, data_dir, options))
        yield f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([f"{bin_dir}/pg_ctl", "-D", data_dir, "-m", "immediate", "stop"]), capture_output=True
        )
        time.sleep(0.2)
        shutil.rmtree(data_dir, ignore_errors=True)
