"""Distributed embedding with Ray Data: `confqa index --ray [ADDRESS]` embeds the chunks and sentences that changed
with `map_batches` over a pool of actors, each holding the same sentence-transformers model as the single-process
path (same packaged weights, same batch size, same normalisation), so the vectors are the same to float rounding.

ADDRESS 'local' starts a Ray inside the command with the machine's CPUs; 'auto' joins the Ray that `ray start`
runs on this machine; 'HOST:PORT' joins a cluster through its head's GCS (the port `ray start --head --port`
printed); 'ray://host:10001' reaches a cluster's head through Ray Client. Every node needs confqa installed (with
the model package, as here): the actors import it there. Ray is imported only here, and only when asked for."""

from __future__ import annotations

import contextlib
import importlib
import ipaddress
import os
import socket
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from confqa.errors import ConfqaError, ConfqaUsageError, MissingExtraError
from confqa.settings import EMBEDDING_MODEL_NAME

ROWS_PER_TASK = 256  # texts handed to one actor call; each call embeds them in batches of batch_size
# How long a cluster's address may take to accept a TCP connection before confqa gives up on it. Ray's own waits
# are 30 s (Ray Client) and minutes (a GCS), logging each retry on stderr meanwhile.
CONNECT_TIMEOUT = 5.0
# Ray Client's head starts a server process for each client; on a busy head that start can fail ("Initialization
# failure from server", with no reason) and succeed a moment later, so a join through ray:// tries this many times,
# pausing CLIENT_INIT_PAUSE seconds times the attempt number in between.
CLIENT_INIT_ATTEMPTS = 3
CLIENT_INIT_PAUSE = 1.0
# The port of ray://HOST without one: `ray start --head`'s default --ray-client-server-port.
RAY_CLIENT_DEFAULT_PORT = 10001
# What to give instead, appended to messages about an address that does not work.
ADDRESS_FORMS = ("give HOST:PORT of the head's GCS (`ray start --head --port=PORT`), ray://HOST:PORT for Ray Client "
                 f"(default port {RAY_CLIENT_DEFAULT_PORT}), or --ray alone for a Ray inside this command")
TOKEN_HINT = ("if the cluster uses token authentication (Ray's default for `ray start`), set RAY_AUTH_MODE=token and "
              "RAY_AUTH_TOKEN (or RAY_AUTH_TOKEN_PATH) to its token: `ray get-auth-token` prints it on the head")


class _EmbedBatch:
    """The Ray actor: loads the model once, then embeds the batches it is given."""

    def __init__(self, batch_size: int, threads: int) -> None:
        import torch

        torch.set_num_threads(max(1, threads))
        from confqa.embedding import default_embedder

        self.model = default_embedder()
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.model.encode([str(t) for t in batch["text"]], batch_size=self.batch_size)
        return {"i": np.asarray(batch["i"]), "vector": vectors}


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MissingExtraError("--ray (distributed embedding)", "ray", "ray[data]") from None
    return ray


def start_ray(address: str, num_cpus: int | None = None) -> Any:
    """Connect to (or start) Ray once per process. Every failure is a ConfqaError of one line that names the
    address and what to try: the CLI prints it without Ray's traceback and retry logs."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    if address == "local":
        _start_local(ray, num_cpus)
    else:
        _join(ray, address)
    return ray


def _start_local(ray: Any, num_cpus: int | None) -> None:
    """Ray's output is not held back here (see _ray_stderr_held): the processes a local Ray starts would inherit
    the temporary file as their stderr."""
    # A local Ray waits a fixed 30 s for its raylet; on a loaded machine that can time out once, so try twice.
    attempts = 2
    for attempt in range(attempts):
        try:
            ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
            return
        except Exception as exc:  # noqa: BLE001 - ConnectionError, ValueError, RuntimeError...
            if ray.is_initialized():
                ray.shutdown()
            if attempt + 1 == attempts:
                logs = Path(tempfile.gettempdir()) / "ray" / "session_latest" / "logs"
                raise ConfqaError(f"cannot start a local Ray: {_first_line(exc)}; Ray's logs are under {logs}, "
                                  "and without --ray the index builds in this process") from None


def _join(ray: Any, address: str) -> None:
    """Join an existing cluster: check what can be checked without Ray (Ray Client's package, the address's form,
    that something listens there), then ray.init with Ray's output held back."""
    client = address.startswith("ray://")
    if client and not _has_ray_client():
        raise ConfqaError(f"--ray={address} connects through Ray Client, which needs the package grpcio: "
                          f"pip install 'ray[client]=={ray.__version__}' (the version of Ray installed here)")
    endpoint = None if address == "auto" else _host_port(address, RAY_CLIENT_DEFAULT_PORT if client else None)
    if endpoint is not None:
        _check_listening(address, *endpoint, client=client)
    pinned = endpoint is not None and not client and _loopback_only(ray, *endpoint)
    for attempt in range(1, (CLIENT_INIT_ATTEMPTS if client else 1) + 1):
        with _ray_stderr_held() as printed, _loopback_node_ip(ray, pinned):
            try:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
                return
            except Exception as exc:  # noqa: BLE001 - ConnectionError, ValueError, RuntimeError, AuthenticationError...
                failure = exc
        if ray.is_initialized():
            ray.shutdown()
        if not (isinstance(failure, ConnectionAbortedError) and "Initialization failure from server" in str(failure)):
            break
        time.sleep(CLIENT_INIT_PAUSE * attempt)
    raise ConfqaError(f"cannot join Ray at {address}: {_join_reason(ray, failure, printed, client)}") from None


def _has_ray_client() -> bool:
    """Ray's own test for Ray Client's package (ray[client] adds grpcio to Ray)."""
    try:
        importlib.import_module("grpc")
    except ImportError:
        return False
    return True


def _host_port(address: str, default_port: int | None) -> tuple[str, int]:
    """('host', port) of 'host:port', 'ray://host:port' or '[::1]:port'."""
    rest = address.removeprefix("ray://").split("/", 1)[0]
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port_text = tail.removeprefix(":")
    elif rest.count(":") == 1:
        host, port_text = rest.split(":")
    else:
        host, port_text = rest, ""
    if not port_text and default_port is not None:
        return host, default_port
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 2 ** 16:
        raise ConfqaUsageError(f"--ray={address} is not an address Ray can join: {ADDRESS_FORMS}")
    return host, int(port_text)


def _check_listening(address: str, host: str, port: int, client: bool) -> None:
    """A TCP connection to the address, so that a wrong host or port fails in seconds, with its cause."""
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            return
    except socket.gaierror:
        raise ConfqaError(f"cannot join Ray at {address}: no host is named {host!r}; check the head's name, or "
                          "give its IP address") from None
    except ConnectionRefusedError:
        start = f"--ray-client-server-port={port}" if client else f"--port={port}"
        raise ConfqaError(f"cannot join Ray at {address}: nothing listens at {host}:{port}; start the head with "
                          f"`ray start --head {start}`, or {ADDRESS_FORMS}") from None
    except OSError as exc:  # a timeout, no route to the host
        why = (f"no answer from {host}:{port} within {CONNECT_TIMEOUT:.0f} s" if isinstance(exc, TimeoutError)
               else f"{host}:{port}: {(exc.strerror or str(exc)).lower()}")
        raise ConfqaError(f"cannot join Ray at {address}: {why}; check that the head is up and that port {port} is "
                          "open to this machine") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _loopback_only(ray: Any, host: str, port: int) -> bool:
    """Whether a GCS on a loopback address listens there only, as a head started with --node-ip-address=127.0.0.1
    does. Ray replaces a loopback address with this machine's network address before connecting (and gives the
    driver that address as its node IP), which is right for a head that listens on every interface, as
    `ray start --head` does by default; a loopback-only head is then never reached, and ray.init times out."""
    if not _is_loopback(host):
        return False
    try:
        machine = str(ray.util.get_node_ip_address())
    except Exception:  # noqa: BLE001 - no network configured: Ray falls back to loopback itself
        return False
    if _is_loopback(machine):
        return False
    with contextlib.suppress(OSError), socket.create_connection((machine, port), timeout=CONNECT_TIMEOUT):
        return False
    return True


@contextlib.contextmanager
def _loopback_node_ip(ray: Any, pinned: bool) -> Iterator[None]:
    """While ray.init runs, keep loopback addresses as they are (for a loopback-only head, see _loopback_only).
    RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 does this for a process that sets it before importing Ray; Ray reads it
    into ray._private.ray_constants.ENABLE_RAY_CLUSTER at import, which is what this switches."""
    constants: Any = None
    with contextlib.suppress(ImportError):
        constants = importlib.import_module("ray._private.ray_constants") if pinned else None
    if constants is None or not getattr(constants, "ENABLE_RAY_CLUSTER", False):
        yield
        return
    constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        constants.ENABLE_RAY_CLUSTER = True


@contextlib.contextmanager
def _ray_stderr_held() -> Iterator[list[str]]:
    """While Ray connects to a cluster, whatever it writes on stderr goes to a temporary file instead: its Python
    warnings and log records, and its C++ core's retry lines, which bypass sys.stderr. A failure is then one line
    (built from the exception and, for an authentication failure, from these lines, handed back in the list);
    a success is quiet. CONFQA_DEBUG=1 leaves stderr alone."""
    printed: list[str] = []
    if os.environ.get("CONFQA_DEBUG"):
        yield printed
        return
    with tempfile.TemporaryFile() as held, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(held.fileno(), 2)
        try:
            yield printed
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            printed.append(held.read().decode("utf-8", errors="replace"))


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _join_reason(ray: Any, exc: Exception, printed: list[str], client: bool) -> str:
    """Why ray.init could not join, and what to try, from the exception and what Ray printed meanwhile."""
    said = f"{exc}\n{''.join(printed)}"
    authentication = getattr(ray.exceptions, "AuthenticationError", ())
    if isinstance(exc, authentication) or "InvalidAuthToken" in said or "Unauthenticated" in said:
        return f"the cluster refused this process's token (or its lack of one); {TOKEN_HINT}"
    if "version mismatch" in said.lower():
        python = ".".join(map(str, sys.version_info[:2]))
        return (f"the cluster runs another version of Ray or Python than this process (Ray {ray.__version__}, "
                f"Python {python}); install the cluster's versions here")
    if client and "connection timeout" in said:
        return (f"no Ray Client answered in time; check that this is the port of the head's Ray Client "
                f"(`ray start --head --ray-client-server-port`), and {TOKEN_HINT}")
    if "Failed to connect to Ray cluster" in said or "Method not found" in said:
        return (f"{_first_line(exc)}; check that this is the port of the head's GCS (`ray start --head "
                f"--port`: not its Ray Client port, which takes ray://), and {TOKEN_HINT}")
    return f"{_first_line(exc)}; {ADDRESS_FORMS}"


class RayEmbedder:
    """An Embedder (see confqa.embedding) whose bulk path runs on Ray; indexing calls encode_all once.

    A cluster (any address but 'local') is joined here, before indexing reads a note: a wrong address fails at
    once, on one line. A local Ray starts only when something has to be embedded: that takes seconds."""

    name = EMBEDDING_MODEL_NAME
    dimension = 384

    def __init__(self, address: str = "local", batch_size: int = 16, actors: int | None = None,
                 num_cpus: int | None = None) -> None:
        _ray()  # fail early, with the install command, when the extra is missing
        self.address = address
        self.batch_size = batch_size
        self.actors = actors
        self.num_cpus = num_cpus
        self._local: Any = None
        if address != "local":
            start_ray(address, num_cpus)

    def weights_sha256(self) -> str:
        from confqa.embedding import model_weights_sha256

        return model_weights_sha256()

    def _local_model(self) -> Any:
        if self._local is None:
            from confqa.embedding import default_embedder

            self._local = default_embedder()
        return self._local

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Small calls (a question) stay in this process."""
        vectors: np.ndarray = self._local_model().encode(texts, batch_size=batch_size)
        return vectors

    def export_onnx(self, target: Path) -> Path:
        return self._local_model().export_onnx(target)  # type: ignore[no-any-return]

    def encode_all(self, texts: list[str], batch_size: int | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ray = start_ray(self.address, self.num_cpus)
        batch_size = batch_size or self.batch_size
        try:
            if not ray.util.client.ray.is_connected():
                return embed_dataset(texts, batch_size, self.actors, progress)
            # Ray Data's executor needs a process of the cluster (Ray Client's stand-in has no core worker), so
            # through ray:// it runs in a task on the cluster; that task takes no CPU, leaving them to the actors.
            vectors = ray.get(ray.remote(num_cpus=0)(embed_dataset).remote(texts, batch_size, self.actors))
            if progress:
                progress("embedding passages and sentences (ray)", len(texts), len(texts))
            return np.asarray(vectors, dtype=np.float32)
        except ray.exceptions.RayError as exc:
            # A task or actor that failed on a node: Ray's text holds the remote traceback; its last line says why.
            cause = getattr(exc, "cause", None) or exc
            if isinstance(cause, ConfqaError):
                raise cause from None
            lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
            why = f"{type(cause).__name__}: {lines[-1] if lines else ''}"
            raise ConfqaError(f"embedding on Ray ({self.address}) failed: {why}; every node needs confqa installed "
                              "with its model package, as on this machine") from None


def embed_dataset(texts: list[str], batch_size: int, actors: int | None = None,
                  progress: Callable[[str, int, int], None] | None = None) -> np.ndarray:
    """The vectors of `texts`, embedded by a pool of _EmbedBatch actors (one per CPU of the cluster, at most one
    per ROWS_PER_TASK texts, or `actors`), in the order of `texts`. Runs in the driver, or in a task of the
    cluster when the driver is a Ray Client."""
    import logging

    ray = _ray()
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # its per-run INFO lines are noise on stderr
    cpus = int(ray.cluster_resources().get("CPU", 1))
    tasks = (len(texts) + ROWS_PER_TASK - 1) // ROWS_PER_TASK
    pool = max(1, min(actors or cpus, tasks))
    dataset = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)],
                                  override_num_blocks=max(pool, tasks))
    embedded = dataset.map_batches(
        _EmbedBatch, fn_constructor_kwargs={"batch_size": batch_size, "threads": 1},
        batch_size=ROWS_PER_TASK, batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=pool), num_cpus=1,
    )
    out = np.zeros((len(texts), RayEmbedder.dimension), dtype=np.float32)
    done = 0
    for batch in embedded.iter_batches(batch_format="numpy", batch_size=None):
        out[np.asarray(batch["i"], dtype=np.int64)] = np.asarray(batch["vector"], dtype=np.float32)
        done += len(batch["i"])
        if progress:
            progress("embedding passages and sentences (ray)", done, len(texts))
    if done != len(texts):
        raise ConfqaError(f"Ray returned {done} of {len(texts)} vectors: a node or actor was lost while embedding; "
                          "the head's logs say which, and without --ray the index builds in this process")
    return out
