"""A local SMTP server for tests and benchmarks (aiosmtpd), recording what it accepts.

Behaviours a test can switch on: answer RCPT with a given code for some addresses (a number of
times, or forever), and hold the DATA of the n-th message until released (to kill a worker while
it is in the middle of sending).
"""

import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller

from tools.devservices import free_port


@dataclass
class Received:
    message_id: str
    to: list[str]
    subject: str
    message: Message


@dataclass
class Rule:
    code: str  # full SMTP reply, e.g. "421 4.4.5 Try again later"
    times: int | None  # None: forever


class SinkHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.rules: dict[str, Rule] = {}
        self.rcpt_attempts: dict[str, int] = {}
        self.hold_at: int | None = None  # hold the DATA of this message number (1-based)
        self.holding = threading.Event()
        self.release = threading.Event()
        self._data_count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
            rule = self.rules.get(address)
            if rule and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                return rule.code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self._data_count += 1
            hold = self.hold_at == self._data_count
        if hold:
            self.holding.set()
            while not self.release.is_set():
                import asyncio

                await asyncio.sleep(0.05)
            return "451 4.3.0 Aborted by the test"
        parsed = message_from_bytes(envelope.content)
        with self.lock:
            self.received.append(
                Received(
                    message_id=parsed.get("Message-ID", ""),
                    to=list(envelope.rcpt_tos),
                    subject=str(make_header(decode_header(parsed.get("Subject", "")))),
                    message=parsed,
                )
            )
        return "250 Message accepted"


@dataclass
class SmtpSink:
    handler: SinkHandler = field(default_factory=SinkHandler)
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        # Large data limit and no size checks: the portal's emails are small anyway.
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        return self.received

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.rules.clear()
            self.handler.rcpt_attempts.clear()
            self.handler.hold_at = None
            self.handler._data_count = 0
        self.handler.holding.clear()
        self.handler.release.clear()
