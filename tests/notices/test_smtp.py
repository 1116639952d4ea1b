"""``notices --send`` against a real SMTP server (aiosmtpd) on 127.0.0.1, started here."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from generator.cli import main
from generator.notices.events import program_events
from generator.notices.messages import build_notice
from generator.notices.smtp import SmtpSettings, send_notices
from tests.badges.support import shipped_partners, shipped_program
from tests.conftest import ROOT
from tests.notices.conftest import parsed, text_of

WINDOW = ["--from", "2026-11-01", "--to", "2026-11-01"]
#: The notices of 1 November 2026, in the order they are sent.
NOVEMBER_FIRST = [
    "2026-11-01-great-lakes-systems-psp-review-kept.eml",
    "2026-11-01-lonestar-channel-distribution-psp-review-kept.eml",
    "2026-11-01-lonestar-channel-distribution-tsp-grace.eml",
    "2026-11-01-lumiere-devops-psp-grace.eml",
]


class LocalController(Controller):
    """aiosmtpd's controller on a port the system picks (port 0): it learns the real port
    before its own start-up check connects."""

    def _trigger_server(self) -> None:
        server: Any = self.server  # an asyncio.Server, which has sockets
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@dataclass
class Recorder:
    """An SMTP handler that keeps what it receives; it can refuse a recipient or hang up."""

    refuse: frozenset[str] = frozenset()
    hang_up_at: int | None = None  # hang up when this message (0-based) begins
    mail_reply: dict[int, str] = field(default_factory=dict)  # MAIL FROM refused: message -> reply
    data_reply: dict[int, str] = field(default_factory=dict)  # DATA refused: message -> reply
    messages: int = 0  # MAIL FROM commands seen
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_MAIL(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        if self.hang_up_at is not None and len(self.received) == self.hang_up_at:
            assert server.transport is not None
            server.transport.close()
            return "421 4.3.0 closing the connection"
        self.messages += 1
        if self.messages - 1 in self.mail_reply:
            return self.mail_reply[self.messages - 1]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if self.messages - 1 in self.data_reply:
            return self.data_reply[self.messages - 1]
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 2.0.0 accepted"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                     mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = auth_data.login == b"program" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)


@pytest.fixture
def server() -> Iterator[tuple[Controller, Recorder]]:
    recorder = Recorder()
    controller = LocalController(recorder, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def port_of(controller: Controller) -> int:
    port: int = controller.port
    assert port != 0
    return port


def send(monkeypatch: pytest.MonkeyPatch, out: Path, port: int, **env: str) -> int:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    monkeypatch.delenv("SMTP_USER", raising=False)
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return main(["notices", "--partners", str(ROOT / "partners"), "--out", str(out),
                 *WINDOW, "--send"])


def test_every_notice_arrives_with_its_headers_and_both_parts(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    assert send(monkeypatch, tmp_path, port_of(controller)) == 0
    assert len(recorder.received) == 4
    files = [tmp_path / name for name in NOVEMBER_FIRST]
    for (sender, recipients, content), file in zip(recorder.received, files, strict=True):
        assert sender == "partner-program@vendor.example"
        assert content == file.read_bytes()  # what went is exactly the file
        message = parsed(content)
        assert recipients == [a.strip() for a in
                              f"{message['To']},{message['Cc'] or ''}".split(",") if a.strip()]
    grace = parsed(recorder.received[3][2])
    assert grace["To"] == "partenariats@lumiere-devops.example"
    assert grace["Cc"] == "c.dubois@vendor.example"
    assert recorder.received[3][1] == ["partenariats@lumiere-devops.example",
                                       "c.dubois@vendor.example"]
    assert "Due day: 31 January 2027" in text_of(grace)
    assert "<dt>Due day</dt><dd><strong>31 January 2027</strong></dd>" in text_of(grace, "html")
    out = capsys.readouterr().out
    assert ("accepted: partenariats@lumiere-devops.example "
            "(2026-11-01-lumiere-devops-psp-grace.eml)") in out
    assert ("accepted: channel-team@vendor.example "
            "(2026-11-01-great-lakes-systems-psp-review-kept.eml)") in out
    assert out.endswith("4 notice(s) sent, 0 not sent, 0 recipient(s) refused\n")


def test_a_refused_recipient_is_reported_and_the_run_fails(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    recorder.refuse = frozenset({"c.dubois@vendor.example"})
    assert send(monkeypatch, tmp_path, port_of(controller)) == 1
    assert len(recorder.received) == 4
    assert recorder.received[3][1] == ["partenariats@lumiere-devops.example"]
    out = capsys.readouterr().out
    assert ("refused: c.dubois@vendor.example (2026-11-01-lumiere-devops-psp-grace.eml): "
            "550 5.1.1 no such mailbox here") in out
    assert ("accepted: partenariats@lumiere-devops.example "
            "(2026-11-01-lumiere-devops-psp-grace.eml)") in out
    assert out.endswith("4 notice(s) sent, 0 not sent, 1 recipient(s) refused\n")


def test_a_dropped_connection_says_which_notices_went(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    recorder.hang_up_at = 2
    assert send(monkeypatch, tmp_path, port_of(controller)) == 1
    assert [parsed(c)["Message-ID"].strip() for _s, _r, c in recorder.received] == [
        "<review-kept.psp.great-lakes-systems.2026-11-01@partners.vendor.example>",
        "<review-kept.psp.lonestar-channel-distribution.2026-11-01@partners.vendor.example>",
    ]
    out = capsys.readouterr().out
    assert ("accepted: channel-team@vendor.example "
            "(2026-11-01-great-lakes-systems-psp-review-kept.eml)") in out
    assert "not sent: 2026-11-01-lonestar-channel-distribution-tsp-grace.eml" in out
    assert "not sent: 2026-11-01-lumiere-devops-psp-grace.eml: connection lost" in out
    assert out.endswith("2 notice(s) sent, 2 not sent, 0 recipient(s) refused\n")


def test_a_refused_message_is_reported_and_the_rest_still_go(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    recorder.mail_reply = {0: "550 5.7.1 sender not allowed"}
    recorder.data_reply = {2: "554 5.6.0 rejected content"}
    assert send(monkeypatch, tmp_path, port_of(controller)) == 1
    assert [parsed(c)["Message-ID"].strip() for _s, _r, c in recorder.received] == [
        "<review-kept.psp.lonestar-channel-distribution.2026-11-01@partners.vendor.example>",
        "<grace.psp.lumiere-devops.2026-11-01@partners.vendor.example>",
    ]
    out = capsys.readouterr().out
    assert "error:" not in out
    assert "broke" not in out
    assert ("not sent: 2026-11-01-great-lakes-systems-psp-review-kept.eml: the sender "
            "partner-program@vendor.example was refused: 550 5.7.1 sender not allowed\n") in out
    assert ("not sent: 2026-11-01-lonestar-channel-distribution-tsp-grace.eml: "
            "554 5.6.0 rejected content\n") in out
    assert ("accepted: partenariats@lumiere-devops.example "
            "(2026-11-01-lumiere-devops-psp-grace.eml)") in out
    assert out.endswith("2 notice(s) sent, 2 not sent, 0 recipient(s) refused\n")


def test_a_closing_reply_stops_the_batch_with_its_reason(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    recorder.data_reply = {1: "421 4.3.2 shutting down"}
    port = port_of(controller)
    assert send(monkeypatch, tmp_path, port) == 1
    assert len(recorder.received) == 1
    out = capsys.readouterr().out
    assert out.endswith(
        f"error: the server at 127.0.0.1:{port} closed the connection: 421 4.3.2 shutting down\n"
        "accepted: channel-team@vendor.example "
        "(2026-11-01-great-lakes-systems-psp-review-kept.eml)\n"
        "not sent: 2026-11-01-lonestar-channel-distribution-psp-review-kept.eml: "
        "421 4.3.2 shutting down\n"
        "not sent: 2026-11-01-lonestar-channel-distribution-tsp-grace.eml: connection lost\n"
        "not sent: 2026-11-01-lumiere-devops-psp-grace.eml: connection lost\n"
        "1 notice(s) sent, 3 not sent, 0 recipient(s) refused\n"
    )


def test_starttls_is_required_by_default(
    server: tuple[Controller, Recorder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder = server
    port = port_of(controller)
    assert send(monkeypatch, tmp_path, port, SMTP_STARTTLS="true") == 1
    assert recorder.received == []
    out = capsys.readouterr().out
    assert (
        f"\nerror: cannot submit to 127.0.0.1:{port}: the server at 127.0.0.1:{port} does not "
        "offer STARTTLS; set SMTP_STARTTLS=false to send without encryption\n"
    ) in out
    assert "not sent: 2026-11-01-lumiere-devops-psp-grace.eml: not attempted" in out


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Controller, Recorder, Path]]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make the test's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()
    controller = LocalController(
        recorder, hostname="127.0.0.1", port=0, tls_context=context, require_starttls=True,
        authenticator=recorder.authenticate, auth_require_tls=True,
    )
    controller.start()
    try:
        yield controller, recorder, cert
    finally:
        controller.stop()


def test_starttls_and_login_for_real(
    tls_server: tuple[Controller, Recorder, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, recorder, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    status = send(monkeypatch, tmp_path / "out", port_of(controller), SMTP_STARTTLS="true",
                  SMTP_USER="program", SMTP_PASSWORD="s3cret")  # noqa: S106 - the test server's
    assert status == 0
    assert recorder.logins == [("program", "s3cret")]
    assert len(recorder.received) == 4


def test_a_password_smtp_cannot_send_is_one_line_not_a_traceback(
    tls_server: tuple[Controller, Recorder, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    controller, recorder, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    capsys.readouterr()
    status = send(monkeypatch, tmp_path / "out", port_of(controller), SMTP_STARTTLS="true",
                  SMTP_USER="program", SMTP_PASSWORD="s\u00e9cret")  # noqa: S106 - a test value
    out = capsys.readouterr()
    assert status == 1
    assert recorder.received == []
    assert "the host name, user or password has characters SMTP cannot send" in out.out + out.err
    assert "Traceback" not in out.out + out.err
    assert "s\u00e9cret" not in out.out + out.err


def test_nothing_is_sent_twice_within_a_run(
    server: tuple[Controller, Recorder], tmp_path: Path,
) -> None:
    controller, recorder = server
    program = shipped_program()
    assert program.notices is not None
    day = date(2026, 11, 1)
    notices = [build_notice(e, program, program.notices)
               for e in program_events(shipped_partners(), program, day, day)]
    settings = SmtpSettings("127.0.0.1", port_of(controller), starttls=False)
    report = send_notices([*notices, *notices], settings)
    assert report.ok
    assert report.sent == NOVEMBER_FIRST
    assert len(recorder.received) == 4


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "--send needs SMTP_HOST (and optionally SMTP_PORT, SMTP_USER, SMTP_PASSWORD, "
             "SMTP_STARTTLS)"),
        ({"SMTP_HOST": "mail.example", "SMTP_PORT": "smtp"},
         "SMTP_PORT must be a port number, not 'smtp'"),
        ({"SMTP_HOST": "mail.example", "SMTP_STARTTLS": "no"},
         "SMTP_STARTTLS must be true or false, not 'no'"),
    ],
)
def test_wrong_smtp_settings_are_usage_errors(
    env: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    status = main(["notices", "--partners", str(ROOT / "partners"), "--out", str(tmp_path),
                   *WINDOW, "--send"])
    assert status == 2
    assert capsys.readouterr().err == f"partner-locator: error: {message}\n"
