"""A real Ray head for tests: `ray start --head` from this venv, run as its own process group and pinned to
loopback, so `confqa index --ray ADDRESS` can be tried against a cluster it did not start itself.

Why each choice:
- --node-ip-address=127.0.0.1 and RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0: by default Ray replaces 127.0.0.1 with the
  machine's first network address (on a sandbox that can be an address nothing routes to), so the head's GCS
  and the processes it spawns would advertise, and try to reach, an address that times out.
- Its own free ports for everything Ray would otherwise put on a fixed default (GCS 6379, Ray Client 10001,
  dashboard 8265, dashboard agent 52365): another Ray on the machine keeps working, and so does this one.
- Its own --temp-dir, short (/tmp/rayXXXXXX): Ray puts its Unix sockets there, and a socket path longer than
  107 bytes cannot be bound; pytest's own temporary folders are too deep. Ray is started from that folder too:
  the Ray Client server runs `python -m`, which would import any stray module of the current directory.
- Its own authentication token (RAY_AUTH_TOKEN), never ~/.ray/auth_token: Ray turns token authentication on
  for new clusters, and a test must not read or create the developer's token. Drivers get it from `driver_env`.
- Stopped by PID: the processes of the session that `ray start` was given (start_new_session=True), plus any
  process whose command line names the temp dir; never `ray stop`, which would stop every Ray of the user."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# `ray start` returns once the GCS and the raylet are up: a few seconds, tens on a loaded 2-core machine.
START_TIMEOUT = 180.0
# The Ray Client server starts after `ray start` returns; it imports Ray before it listens.
CLIENT_SERVER_TIMEOUT = 60.0
# After SIGTERM the GCS may wait for nodes that are already gone; it gets this long before SIGKILL.
STOP_GRACE = 5.0
# Lines of the head's logs quoted when it does not start.
LOG_LINES = 40
# The variables that would make a driver or the head use another cluster, address or token than the test's.
RAY_VARIABLES = ("RAY_ADDRESS", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH",
                 "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")


class RayHeadError(RuntimeError):
    """The head did not start; the message holds its output and the tail of its logs."""


@dataclass
class RayHead:
    """A running head: its addresses, the environment a driver needs to join it, and where its logs are."""

    gcs_address: str  # 127.0.0.1:PORT, for ray.init(address=...) and `confqa index --ray=...`
    client_address: str | None  # ray://127.0.0.1:PORT (Ray Client), None without its package (grpcio)
    temp_dir: Path
    token: str
    session: int  # the session (and process group) id of `ray start`, whose children Ray's processes are
    started: list[str] = field(default_factory=list)  # `ray start`'s own output

    def driver_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """`base` (default os.environ) without RAY_* variables that would pick another cluster or token, with the
        token of this head. RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER is left out on purpose: confqa must reach a loopback
        head without it."""
        env = {k: v for k, v in (os.environ if base is None else base).items() if k not in RAY_VARIABLES}
        env.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": self.token})
        return env

    def logs(self) -> str:
        """`ray start`'s output and the last lines of each of the head's log files, to explain a failure."""
        parts = ["ray start:", *self.started]
        for path in sorted(self.temp_dir.glob("session_*/logs/*")):
            if path.is_file() and path.suffix in (".out", ".err", ".log"):
                with contextlib.suppress(OSError):
                    lines = path.read_text(errors="replace").splitlines()[-LOG_LINES:]
                    if lines:
                        parts += [f"--- {path.name}", *lines]
        return "\n".join(parts)

    def worker_logs_naming(self, text: str) -> set[Path]:
        """The core-worker logs of this head that mention `text` (an actor's class name: proof it ran here)."""
        found = set()
        for path in self.temp_dir.glob("session_*/logs/python-core-worker-*.log"):
            with contextlib.suppress(OSError):
                if text in path.read_text(errors="replace"):
                    found.add(path)
        return found

    def pids(self) -> list[int]:
        """The live processes of this head: in the session `ray start` opened, or naming the temp dir (a worker
        that a raylet moved to its own session still names the raylet's socket there)."""
        found = []
        inside = str(self.temp_dir).encode() + b"/"
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                pid = int(entry.name)
                exited = (entry / "stat").read_text().rpartition(")")[2].split()[0] in ("Z", "X")  # not reaped yet
                if not exited and (os.getsid(pid) == self.session or inside in (entry / "cmdline").read_bytes()):
                    found.append(pid)
            except OSError:  # exited meanwhile (ProcessLookupError is one), or not ours to read
                continue
        return found

    def stop(self) -> None:
        """SIGTERM to each process of this head, SIGKILL to those still there after STOP_GRACE."""
        for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while self.pids() and time.monotonic() < deadline:
                time.sleep(0.1)
            if not self.pids():
                return


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 right now, all different (each socket stays bound until all are picked)."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


def listening(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1.0):
        return True
    return False


def ray_executable() -> str:
    """The `ray` command of the venv that runs the tests (the head must run the same Ray and confqa)."""
    return str(Path(sys.executable).with_name("ray"))


@contextlib.contextmanager
def ray_head(num_cpus: int, log_dir: Path | None = None) -> Iterator[RayHead]:
    """Start a head, wait until its GCS and its Ray Client server accept connections, yield it, stop it by PID.
    The Ray Client server runs when grpcio is installed: `ray start` refuses a client port without it, and with it
    starts one on 10001 unless told another port. `log_dir` receives a copy of the head's logs at the end (its
    temp dir is removed)."""
    client = importlib.util.find_spec("grpc") is not None
    temp_dir = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    gcs, client_port, dashboard, agent_http, agent_grpc, runtime_env, metrics = free_ports(7)
    token = secrets.token_hex(32)
    env = {k: v for k, v in os.environ.items() if k not in RAY_VARIABLES and not k.startswith("CONFQA_")}
    env.update({"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token,
                "RAY_USAGE_STATS_ENABLED": "0"})
    command = [
        ray_executable(), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={gcs}",
        "--include-dashboard=false", f"--dashboard-port={dashboard}",
        f"--dashboard-agent-listen-port={agent_http}", f"--dashboard-agent-grpc-port={agent_grpc}",
        f"--runtime-env-agent-port={runtime_env}", f"--metrics-export-port={metrics}", f"--num-cpus={num_cpus}",
        f"--temp-dir={temp_dir}", "--disable-usage-stats",
    ] + ([f"--ray-client-server-port={client_port}"] if client else [])
    process = subprocess.Popen(command, cwd=temp_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    head = RayHead(f"127.0.0.1:{gcs}", f"ray://127.0.0.1:{client_port}" if client else None, temp_dir, token,
                   session=process.pid)
    try:
        try:
            output, _ = process.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            output += f"\n(ray start did not return within {START_TIMEOUT:.0f} s)"
        head.started = output.splitlines()
        if process.returncode != 0:
            raise RayHeadError(f"ray start exited with {process.returncode}\n{head.logs()}")
        _wait_listening(head, "127.0.0.1", gcs, START_TIMEOUT)
        if client:
            _wait_listening(head, "127.0.0.1", client_port, CLIENT_SERVER_TIMEOUT)
        yield head
    finally:
        head.stop()
        if log_dir is not None:
            with contextlib.suppress(OSError):
                shutil.copytree(temp_dir, log_dir, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("sockets", "runtime_resources"), symlinks=True)
        shutil.rmtree(temp_dir, ignore_errors=True)


def _wait_listening(head: RayHead, host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not listening(host, port):
        if time.monotonic() > deadline:
            raise RayHeadError(f"nothing listens at {host}:{port} {timeout:.0f} s after ray start\n{head.logs()}")
        time.sleep(0.2)
