#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd): stores each message it accepts as a file
in a folder, and behaves as told by the file `mode` in that folder, read at each recipient:

  ok         accept (the default)
  4xx        451: try again later (a transient refusal)
  5xx        550: no such mailbox (a permanent refusal)
  hang       accept the connection and never answer the recipient
  slow:MS    wait MS milliseconds before accepting each recipient

Usage: smtp_sink.py PORT FOLDER. Prints "ready" once it listens. Each accepted message is
written whole (a temporary name, then renamed) as NNNN-<ns>.eml, with the envelope's
recipients in X-Sink-Rcpt-To (first line), so a test can count what arrived and to whom.
"""

import asyncio
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def mode(self):
        try:
            with open(os.path.join(self.folder, "mode")) as f:
                return f.read().strip() or "ok"
        except FileNotFoundError:
            return "ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.mode()
        if mode == "hang":
            await asyncio.sleep(3600)
        if mode == "4xx":
            return "451 4.3.0 Mailbox busy, try again later"
        if mode == "5xx":
            return "550 5.1.1 No such mailbox here"
        if mode.startswith("slow:"):
            await asyncio.sleep(int(mode.split(":", 1)[1]) / 1000)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = f"{self.count:04d}-{time.time_ns()}.eml"
        tmp = os.path.join(self.folder, "." + name)
        with open(tmp, "wb") as f:
            f.write(b"X-Sink-Rcpt-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.folder, name))
        return "250 2.0.0 Stored"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
