"""A throwaway Dovecot IMAP server for the incoming-mail tests: a minimal configuration in a temp dir, one
test mailbox (passwd-file, plaintext password), Maildir storage, no TLS, in the foreground on 127.0.0.1:port.

As root the mail processes run as ``nobody`` (Dovecot refuses to serve mail as root); otherwise everything runs
as the current user (the login and internal users set to it, no chroot)."""

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

USER = "netzwerk"
PASSWORD = "imap-test-passwort"  # noqa: S105 (a throwaway test server)


def find_dovecot() -> str:
    path = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if not path:
        raise RuntimeError("dovecot not found (make system-deps installs Debian's dovecot-imapd)")
    return path


def _config(base: Path, port: int, mail_user: pwd.struct_passwd) -> str:
    process_user = ""
    if os.geteuid() != 0:  # run every process as the current user (its group owns the internal sockets)
        group = grp.getgrgid(mail_user.pw_gid).gr_name
        process_user = (
            f"default_login_user = {mail_user.pw_name}\ndefault_internal_user = {mail_user.pw_name}\n"
            f"default_internal_group = {group}\n"
        )
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {mail_user.pw_uid}
last_valid_uid = 0
{process_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/passwd
  default_fields = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={base}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not open its port")


@contextmanager
def dovecot_server(port: int):
    """Yield (host, port, user, password) of a running Dovecot with an empty mailbox."""
    binary = find_dovecot()
    base = Path(tempfile.mkdtemp(prefix="netzwerk-imap-"))
    mail_user = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
    base.chmod(0o755)  # the mail processes (nobody, as root) reach their home below it
    home = base / "home" / USER
    home.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(home, mail_user.pw_uid, mail_user.pw_gid)
    (base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    config = base / "dovecot.conf"
    config.write_text(_config(base, port, mail_user))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _wait_for(port, process, base / "dovecot.log")
        yield "127.0.0.1", port, USER, PASSWORD
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def imap_session(host: str, port: int, user: str, password: str):
    connection = imaplib.IMAP4(host, port, timeout=10)
    try:
        connection.login(user, password)
        yield connection
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
