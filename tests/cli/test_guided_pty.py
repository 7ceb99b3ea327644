"""The guided `incidents report` end to end in Japanese, through a real pseudo-terminal: the installed
command runs as a person runs it (stdin is a terminal), each answer is typed after its question appears, and
nothing the reporter reads is a code."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

from sqlalchemy import select as sql_select

from incidents.cases.models import Incident, Recipient
from incidents.db import session_scope

from .codes import ANSI, code_tokens_in

INCIDENTS = Path(sys.executable).with_name("incidents")
WAIT = 120  # seconds a question may take to appear on a loaded machine (a bound, not a timing assumption)


class Terminal:
    """A command on a pseudo-terminal: read until a question is asked, then type the answer."""

    def __init__(self, args: list[str], env: dict[str, str]):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.fd, self.seen, self.mark = master, "", 0
        self._raw = b""

    def _read(self) -> bool:
        ready, _, _ = select.select([self.fd], [], [], WAIT)
        if not ready:
            raise AssertionError(f"no output for {WAIT} s; so far:\n{self.seen[-2000:]}")
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the command ended and closed the terminal
            return False
        if not data:
            return False
        self._raw += data
        self.seen = ANSI.sub("", self._raw.decode("utf-8", errors="replace")).replace("\r\n", "\n")
        return True

    def question(self) -> str:
        """Wait for the next question (a prompt ends with «: » and waits for a line); return what it showed."""
        while not self.seen[self.mark:].rstrip(" ").endswith(":") or not self.seen.endswith(" "):
            if not self._read():
                raise AssertionError(f"the command ended before the next question:\n{self.seen[-3000:]}")
        shown, self.mark = self.seen[self.mark:], len(self.seen)
        return shown

    def type(self, answer: str) -> None:
        os.write(self.fd, answer.encode("utf-8") + b"\r")

    def rest(self) -> str:
        while self._read():
            pass
        self.proc.wait(timeout=WAIT)
        return self.seen

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=WAIT)
        os.close(self.fd)


ANSWERS = [
    ("短いタイトル", "見積書を別の取引先に誤送信"),
    ("何が起きましたか", "1"),
    ("どのように", "2"),
    ("送信", "2026/11/28 15:20"),
    ("気付", "2026/11/28 16:05"),
    ("件名", "【お見積り】保守契約の更新"),
    ("送信元", ""),
    ("内容", "A社向けの見積書を添付"),
    ("誤って", "tanaka@c-corp.example"), ("氏名", "田中 様"), ("組織", "C株式会社"), ("", "1"),
    ("誤って", ""),
    ("本来", "sato@a-corp.example"), ("氏名", ""), ("組織", "A株式会社"), ("", "1"),
    ("本来", ""),
    ("", "1,2"),
    ("", "約30"),
    ("添付", "見積書_A社.pdf"), ("添付", ""),
    ("", "3"),
    ("", "はい"),
    ("", ""),
    ("", ""),
    ("", "はい"),
]


def test_guided_report_in_japanese_through_a_terminal(db_url, make_user, tmp_path):
    user = make_user("employee", locale="ja", email="hanako@example.co.jp")
    env = {**os.environ, "INCIDENTS_DATABASE_URL": db_url, "INCIDENTS_DATA_DIR": str(tmp_path), "HOME": str(tmp_path),
           "TERM": "xterm", "COLUMNS": "160", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    env.pop("INCIDENTS_LANG", None)
    term = Terminal([str(INCIDENTS), "report", "--as", user.email], env)
    try:
        for _hint, answer in ANSWERS:
            term.question()
            term.type(answer)
        out = term.rest()
    finally:
        term.close()
    assert term.proc.returncode == 0, out[-3000:]
    # Japanese all the way: the questions, the choices in words, the summary, what happens next
    for text in ("宛先の誤り", "受信者からの連絡", "氏名", "メールアドレス", "パスワード付きZIP", "約30"):
        assert text in out, text
    assert re.search(r"この内容で報告しますか", out), out[-3000:]
    assert "宛先欄（To / Cc / Bcc） [TO]: " in out  # the default in words, not the code
    leaked = code_tokens_in(out)
    assert not leaked, f"codes reached the reporter: {sorted(leaked)}\n{out}"
    with session_scope() as s:
        incident = s.execute(sql_select(Incident).where(Incident.reporter_id == user.id)).scalar_one()
        assert incident.title == "見積書を別の取引先に誤送信"
        assert (incident.mistake_type, incident.discovery_method) == ("wrong_recipient", "recipient_reported")
        assert incident.affected_persons == 30 and incident.protection == "password_zip" and incident.key_exposed
        recipients = {r.address: r for r in s.execute(
            sql_select(Recipient).where(Recipient.incident_id == incident.id)).scalars()}
        assert recipients["tanaka@c-corp.example"].kind == "unintended"
        assert recipients["tanaka@c-corp.example"].name == "田中"  # stored without the honorific
        assert recipients["sato@a-corp.example"].kind == "intended"
