"""A real `confqa serve` process for tests: started on 127.0.0.1 with a free port that the server picks itself
(--port 0, read back from its start-up line), waited for on /healthz, and stopped by PID."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# How long a server may take to open its index and start listening (model load included) on a busy machine.
START_TIMEOUT = 120.0
_ADDRESS = re.compile(r"at (http://[^/\s]+)/")


@contextlib.contextmanager
def running_server(index_dir: Path, *args: str, env: dict[str, str] | None = None,
                   log: list[str] | None = None) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT). `log` receives the server's stderr lines. The server sees no
    CONFQA_* variable of the developer's, only those in `env`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    environment = {**inherited, **(env or {})}
    command = [sys.executable, "-m", "confqa", "serve", "--index", str(index_dir), "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                               start_new_session=True)
    lines = log if log is not None else []
    found: list[str] = []
    ready = threading.Event()

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            match = _ADDRESS.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT) or not found:
            raise RuntimeError(f"confqa serve did not start (exit {process.poll()}): " + "\n".join(lines[-20:]))
        base = found[0]
        _wait_healthy(base, process)
        yield base
    finally:
        stop(process)
        reader.join(timeout=10)


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """SIGTERM by PID (uvicorn finishes requests in flight), SIGKILL if it does not exit."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_healthy(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"confqa serve exited with {process.returncode}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError):
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        time.sleep(0.1)
    raise RuntimeError("confqa serve never answered /healthz")


class Reply:
    """What a request got back: status, headers (lower-case names) and body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def request(base: str, path: str, body: Any = None, *, method: str | None = None, headers: dict[str, str] | None = None,
            raw: bytes | None = None, timeout: float = 60.0) -> Reply:
    """One HTTP request with the standard library; error statuses are returned, not raised."""
    data = raw if raw is not None else (json.dumps(body).encode("utf-8") if body is not None else None)
    sent = {"Content-Type": "application/json"} if data is not None else {}
    sent.update(headers or {})
    message = urllib.request.Request(base + path, data=data, method=method or ("POST" if data is not None else "GET"),
                                     headers=sent)
    try:
        with urllib.request.urlopen(message, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
