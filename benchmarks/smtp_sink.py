"""The notification benchmark's SMTP sink, in its own process: accepts every message and appends
its Message-ID to a file, one line each (the benchmark counts the lines).

    python -m benchmarks.smtp_sink PORT FILE     (runs until terminated)
"""

import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Handler:
    def __init__(self, path: str) -> None:
        self.out = open(path, "ab", buffering=0)  # noqa: SIM115 - open for the process's life
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        match = _MESSAGE_ID.search(headers)
        with self.lock:
            self.out.write((match[1] if match else b"-") + b"\n")
        return "250 Message accepted"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Handler(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
