"""SMTP delivery with timeouts, the only code that sends mail: every failure becomes one DeliveryFailed
line, never a password. Messages are built by reports/email.py.

Imports only the stdlib and irocli.errors at module level; settings come from config.py.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from irocli.errors import DeliveryFailed


def send(messages: Sequence[EmailMessage], settings) -> int:
    """Send every message over one SMTP connection; returns how many were sent.

    ``settings``: config.SmtpSettings (host, port, user, password, ssl, starttls, timeout in seconds).
    The timeout bounds the connect and each command, so a cron job never hangs on a dead server.
    Raises DeliveryFailed (exit 4) with one line naming the server, the error class and how many were
    sent before it; the password never appears in it.
    """
    where = f"{settings.host}:{settings.port}"
    sent = 0
    try:
        if settings.ssl:
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.starttls:
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password or "")
            for message in messages:
                refused = client.send_message(message)
                if refused:
                    raise _Refused(sorted(refused))
                sent += 1
    except (OSError, smtplib.SMTPException, _Refused) as exc:
        progress = f" (sent {sent} of {len(messages)})" if sent else ""
        reason = _reason(exc, settings.timeout)
        if settings.password:
            reason = reason.replace(settings.password, "***")
        raise DeliveryFailed(f"could not send email via {where}: {reason}{progress}") from None
    return sent


class _Refused(Exception):
    def __init__(self, addresses: list[str]):
        super().__init__(", ".join(addresses))


def _reason(exc: BaseException, timeout: float) -> str:
    """The error class and a short reason, on one line."""
    name = type(exc).__name__
    if isinstance(exc, _Refused):
        return f"the server refused recipient(s) {exc}"
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        exc = exc.__context__  # smtplib reports a read timeout as a disconnection
        name = type(exc).__name__
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{name}: no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return f"{name}: connection refused"
    if isinstance(exc, socket.gaierror):
        return f"{name}: host name not found"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{name}: authentication failed ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{name}: the server refused recipient(s) {', '.join(sorted(exc.recipients))}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{name}: {exc.smtp_code} {_first_line(text)}"
    if isinstance(exc, ssl.SSLError):
        return f"{name}: {exc.reason or _first_line(str(exc))}"
    return f"{name}: {_first_line(str(exc)) or 'no detail'}"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:200] if lines else ""
