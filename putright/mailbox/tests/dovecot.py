"""A real Dovecot IMAP server on 127.0.0.1 for a test run (docs: /work/shared/docs/testing-here.md)."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    user = "complaints"
    password = "mailbox-secret"

    def __init__(self, root: Path, *, oauth2_userinfo_url: str = ""):
        self.root = root
        self.port = _free_port()
        # With a provider's UserInfo address, Dovecot also takes XOAUTH2/OAUTHBEARER sign-ins and
        # checks each bearer token there (its oauth2 passdb, introspection by GET with the token).
        self.oauth2_userinfo_url = oauth2_userinfo_url

    def _oauth2_passdb(self) -> str:
        if not self.oauth2_userinfo_url:
            return ""
        (self.root / "oauth2.conf").write_text(
            f"introspection_url = {self.oauth2_userinfo_url}\nintrospection_mode = auth\n"
            "username_attribute = sub\nusername_format = %Lu\ntimeout_msecs = 5000\n"
        )
        return f"""passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.root}/oauth2.conf
}}
"""

    def start(self) -> Dovecot:
        base, mail = self.root / "run", self.root / "mail"
        base.mkdir(parents=True)
        mail.mkdir()
        shutil.chown(mail, "mail", "mail")
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(f"""
base_dir = {base}
state_dir = {base}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.oauth2_userinfo_url else ""}
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{mail}/%u
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN {self.root}/passwd
}}
{self._oauth2_passdb()}userdb {{
  driver = static
  args = uid=mail gid=mail home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
        os.chmod(self.root, 0o755)
        subprocess.run([DOVECOT, "-c", str(conf)], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not start: " + (self.root / "dovecot.log").read_text()[-2000:])

    def stop(self) -> None:
        pid = (self.root / "run" / "master.pid").read_text().strip()
        os.kill(int(pid), 15)

    def append(self, message: bytes, folder: str = "INBOX", when: str | None = None) -> None:
        """Deliver a message as a mail server would, with its received time (INTERNALDATE)."""
        with imaplib.IMAP4("127.0.0.1", self.port) as imap:
            imap.login(self.user, self.password)
            date = imaplib.Time2Internaldate(time.mktime(time.strptime(when, "%Y-%m-%d %H:%M"))) if when else None
            imap.append(folder, None, date, message)
