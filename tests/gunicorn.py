"""The app served by real gunicorn (several worker processes) against the test database, and a small browser
(cookies, no redirects followed) to talk to it from many threads at once."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import csrf_token_from, free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn_server(database_url: str, smtp_port: int, log: Path, workers: int = 3, **env):
    """Yield the base URL of ``gunicorn -w workers wsgi:app`` (NETZWERK_CONFIG=testing) on a free port."""
    port = free_port()
    environment = {
        **os.environ,
        "NETZWERK_CONFIG": "testing",
        "TEST_DATABASE_URL": database_url,
        "TEST_MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        **env,
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--backlog",
        "256",
        "--preload",  # the app is imported once, then forked: the workers are up in a second, not one each
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("a"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, workers, log)
        yield base
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: the test's requests are all answered by now
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(base: str, process: subprocess.Popen, workers: int, log: Path) -> None:
    """Until /healthz answers and every worker has booted (so the first burst reaches all of them)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended: {log.read_text()[-2000:]}")
        booted = len(re.findall(r"Booting worker", log.read_text()))
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 (our http URL)
                if response.status == 200 and booted >= workers:
                    return
        except OSError:  # not listening yet, or the workers still booting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we check, not a page to follow


class Browser:
    """One person's browser: its own cookies (session, CSRF), plain HTTP against the live server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        return self.request(path, data)

    def csrf_token(self, path: str) -> str:
        status, page = self.get(path)
        assert status == 200, (path, status, page[:500])
        return csrf_token_from(page)

    def login(self, email: str, password: str) -> None:
        token = self.csrf_token("/login")
        status, page = self.post("/login", {"email": email, "password": password, "csrf_token": token})
        assert status == 302, page[:1000]


def at_once(calls) -> list:
    """Start every call at the same moment (a barrier); what each returned, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
