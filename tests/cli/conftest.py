"""CLI fixtures: a runner on a real temporary store of each backend (see clirunner.Cli)."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from clirunner import Cli


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


@pytest.fixture
def caseload(cli) -> Cli:
    """Two IROs, three children, a year of events under the england profile."""
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C002", "--name", "Ava Smith", "--dob", "2010-02-28", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C003", "--name", "Leo Brown", "--dob", "2015-09-09", "--iro", "B. Okafor", "--team", "South")
    for child, kind, day in [
        ("C001", "entered-care", "2024-12-20"),  # first review due 2025-01-22
        ("C001", "review-held", "2025-01-22"),  # second due 2025-04-22
        ("C001", "decisions-circulated", "2025-01-27"),
        ("C002", "entered-care", "2025-03-03"),  # first review due 2025-03-31
        ("C003", "entered-care", "2025-04-10"),  # first review due 2025-05-13
    ]:
        cli("event", "add", child, kind, day)
    return cli


class Received:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 nothing listens on: an SMTP server that is down."""
    return _free_port()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port; .handler.envelopes holds what it received."""
    from aiosmtpd.controller import Controller

    handler = Received()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    controller.handler = handler
    yield controller
    controller.stop()
