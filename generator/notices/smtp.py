"""Submitting notices over SMTP with the standard library's ``smtplib`` (SPEC §8).

One connection carries the whole batch. STARTTLS is required unless ``SMTP_STARTTLS=false``;
a login happens when ``SMTP_USER`` is set. Each recipient's acceptance or refusal is reported;
a dropped connection stops the batch and the report says which notices went and which did not.
A notice is submitted at most once per run, however often it is listed.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from generator.notices.messages import Notice

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to submit, from ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USER``,
    ``SMTP_PASSWORD`` and ``SMTP_STARTTLS``."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpSettings:
        """The settings, or ``ValueError`` saying which variable is wrong."""
        host = env.get("SMTP_HOST", "").strip()
        if not host:
            raise ValueError("--send needs SMTP_HOST (and optionally SMTP_PORT, SMTP_USER, "
                             "SMTP_PASSWORD, SMTP_STARTTLS)")
        flag = env.get("SMTP_STARTTLS", "true").strip().lower()
        if flag not in ("true", "false"):
            raise ValueError(f"SMTP_STARTTLS must be true or false, not '{flag}'")
        starttls = flag == "true"
        text = env.get("SMTP_PORT", "").strip()
        if not text:
            port = 587 if starttls else 25
        elif text.isdigit() and 0 < int(text) < 65536:
            port = int(text)
        else:
            raise ValueError(f"SMTP_PORT must be a port number, not '{text}'")
        user = env.get("SMTP_USER") or None
        return cls(host, port, user, env.get("SMTP_PASSWORD") or None, starttls)


@dataclass
class SendReport:
    """What happened to each notice and each recipient."""

    accepted: list[tuple[str, str]] = field(default_factory=list)  # (file, recipient)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, recipient, why)
    sent: list[str] = field(default_factory=list)
    unsent: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Every notice went and every recipient was accepted."""
        return not self.refused and not self.unsent and self.problem is None

    def text(self) -> str:
        """The report a person reads in the job log."""
        lines = []
        if self.problem:
            lines.append(f"error: {self.problem}")
        lines += [f"accepted: {r} ({f})" for f, r in self.accepted]
        lines += [f"refused: {r} ({f}): {why}" for f, r, why in self.refused]
        lines += [f"not sent: {f}: {why}" for f, why in self.unsent]
        lines.append(f"{len(self.sent)} notice(s) sent, {len(self.unsent)} not sent, "
                     f"{len(self.refused)} recipient(s) refused")
        return "".join(line + "\n" for line in lines)


def _why(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()


def _secure(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    if not client.has_extn("starttls"):
        raise smtplib.SMTPNotSupportedError(
            f"the server at {settings.host}:{settings.port} does not offer STARTTLS; "
            "set SMTP_STARTTLS=false to send without encryption"
        )
    client.starttls(context=ssl.create_default_context())
    client.ehlo()


def _open(settings: SmtpSettings, timeout: float) -> smtplib.SMTP:
    client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        client.ehlo()
        if settings.starttls:
            _secure(client, settings)
        if settings.user is not None:
            client.login(settings.user, settings.password or "")
    except BaseException:
        client.close()
        raise
    return client


def send_notices(
    notices: Sequence[Notice], settings: SmtpSettings, timeout: float = DEFAULT_TIMEOUT
) -> SendReport:
    """Submit every notice over one connection and report each recipient."""
    report = SendReport()
    batch: list[Notice] = []
    seen: set[str] = set()
    for notice in notices:
        if notice.message_id not in seen:  # nothing is sent twice within a run
            seen.add(notice.message_id)
            batch.append(notice)
    if not batch:
        return report
    try:
        client = _open(settings, timeout)
    except UnicodeError:
        # smtplib sends the host name, user and password as ASCII (IDNA for the host).
        report.problem = (f"cannot submit to {settings.host}:{settings.port}: the host name, "
                          "user or password has characters SMTP cannot send")
        report.unsent = [(n.file, "not attempted") for n in batch]
        return report
    except (smtplib.SMTPException, OSError) as exc:
        report.problem = f"cannot submit to {settings.host}:{settings.port}: {exc}"
        report.unsent = [(n.file, "not attempted") for n in batch]
        return report
    try:
        for index, notice in enumerate(batch):
            options = ["BODY=8BITMIME"] if client.has_extn("8bitmime") else []
            try:
                refused = client.sendmail(notice.sender, list(notice.recipients),
                                          notice.as_bytes(), mail_options=options)
            except smtplib.SMTPRecipientsRefused as exc:
                for recipient, (code, reply) in sorted(exc.recipients.items()):
                    report.refused.append((notice.file, recipient, _why(code, reply)))
                report.unsent.append((notice.file, "every recipient refused"))
                continue
            except smtplib.SMTPResponseException as exc:
                # Refusals of MAIL FROM, DATA or the like; they are also OSErrors, so they
                # are told apart from a broken connection before that is caught below.
                why = _why(exc.smtp_code, exc.smtp_error)
                if isinstance(exc, smtplib.SMTPSenderRefused):
                    why = f"the sender {notice.sender} was refused: {why}"
                report.unsent.append((notice.file, why))
                if client.sock is None:  # smtplib hung up (a 421 reply, say)
                    report.problem = (f"the server at {settings.host}:{settings.port} closed "
                                      f"the connection: {why}")
                    report.unsent += [(n.file, "connection lost") for n in batch[index + 1:]]
                    return report
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                report.problem = f"the connection to {settings.host}:{settings.port} broke: {exc}"
                report.unsent += [(n.file, "connection lost") for n in batch[index:]]
                return report
            report.sent.append(notice.file)
            for recipient in notice.recipients:
                if recipient in refused:
                    code, reply = refused[recipient]
                    report.refused.append((notice.file, recipient, _why(code, reply)))
                else:
                    report.accepted.append((notice.file, recipient))
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    return report
