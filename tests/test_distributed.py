"""`confqa index --ray`: chunks embedded with Ray Data give the vectors of the single-process path, on a local Ray
with 2 CPUs inside the test process and on a real Ray head (`ray start --head`, tests/ray_cluster.py) that the
command joins by its GCS address and through Ray Client (ray://). An address that does not work ends the command
with one line on stderr and exit 1, before any note is read; whatever Ray prints never reaches the JSON on stdout.

The head's tests run `confqa` as a process: the test process already holds the local Ray (one per process), and
only a real process shows what Ray's C++ core writes on the file descriptors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus
from tests.ray_cluster import RAY_VARIABLES, RayHead, free_ports, ray_head

pytest.importorskip("ray", reason="distributed embedding needs the confqa[ray] extra")

# A whole `confqa index` of the fixture corpus on the head: Python and model start-up, two actors loading the model.
CLI_TIMEOUT = 300.0
TOKEN_VARIABLES = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")


@pytest.fixture(scope="session")
def local_ray():  # type: ignore[no-untyped-def]
    """One local Ray for the session (starting one takes seconds)."""
    import ray

    from confqa.distributed import start_ray

    start_ray("local", num_cpus=2)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def head(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayHead]:
    """One real head for this module (starting one takes seconds), with 2 CPUs. If it does not start, the tests
    that need it fail with its logs: a broken Ray must not pass for a skipped one."""
    with ray_head(num_cpus=2, log_dir=tmp_path_factory.mktemp("ray-head-logs")) as running:
        yield running


def _confqa(args: list[str], env: dict[str, str], cwd: Path, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m confqa ARGS` as a process; `prelude` is Python run before confqa is imported."""
    command = [sys.executable, "-c", f"{prelude}\nfrom confqa.cli import main\nmain()", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT)


def _without_ray_variables() -> dict[str, str]:
    """This process's environment (with the CONFQA_* folders of `isolated`) minus any RAY_* choice of cluster."""
    return {k: v for k, v in os.environ.items() if k not in RAY_VARIABLES}


def _assert_one_error_line(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit 1, nothing on stdout, and on stderr one line from confqa: no traceback, no Ray log, no progress."""
    assert done.returncode == 1, done.stderr[-3000:]
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("confqa: error: ") and "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def _assert_same_index(built_dir: Path, reference_dir: Path) -> None:
    from confqa.index.store import open_index

    built = open_index(built_dir)
    reference = open_index(reference_dir)
    assert [c.id for c in built.chunks] == [c.id for c in reference.chunks]
    assert np.allclose(built.chunk_vectors, reference.chunk_vectors, atol=1e-5)
    assert np.allclose(built.sentence_vectors, reference.sentence_vectors, atol=1e-5)


def test_ray_vectors_equal_single_process_vectors(local_ray, embedder, fixture_index) -> None:  # type: ignore[no-untyped-def]
    from confqa.distributed import ROWS_PER_TASK, RayEmbedder
    from confqa.index.store import open_index
    from confqa.ingest.chunking import embedding_text

    _, index_dir = fixture_index
    store = open_index(index_dir)
    texts = [embedding_text(c) for c in store.chunks] + [s.text for s in store.sentences]
    texts = (texts * (2 * ROWS_PER_TASK // len(texts) + 1))[: 2 * ROWS_PER_TASK + 7]  # several blocks, 2 actors
    vectors = RayEmbedder("local", batch_size=16).encode_all(texts, 16)
    reference = embedder.encode(texts, batch_size=16)
    assert vectors.shape == reference.shape == (len(texts), 384)
    assert np.allclose(vectors, reference, atol=1e-5)


def test_index_with_ray_builds_the_same_index(local_ray, tmp_path: Path, fixture_index) -> None:  # type: ignore[no-untyped-def]
    from confqa.cli import main

    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    result = CliRunner().invoke(main, ["index", "--ray", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["embedded_chunks"] == report["chunks"] > 0
    _assert_same_index(tmp_path / "indexes" / "default", fixture_index[1])


@pytest.mark.parametrize("through", ["gcs", "ray-client"])
def test_index_on_a_ray_head_builds_the_same_index(through: str, head: RayHead, tmp_path: Path,
                                                    fixture_index: tuple[Path, Path]) -> None:
    """The driver is given 127.0.0.1 and nothing else: it must stay on loopback by itself (Ray would swap in the
    machine's network address, where this head does not listen), and bring its token."""
    if through == "ray-client" and head.client_address is None:
        pytest.skip("Ray Client needs grpcio: pip install 'ray[client]'")
    address = head.gcs_address if through == "gcs" else head.client_address
    copy_corpus(FIXTURE_CORPUS, tmp_path / "corpus")
    before = head.worker_logs_naming("_EmbedBatch")
    done = _confqa(["index", f"--ray={address}", "--json"], head.driver_env(), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)  # the whole of stdout is the report: nothing that Ray printed reached it
    assert report["embedded_chunks"] == report["chunks"] > 0
    assert "embedding passages and sentences (ray)" in done.stderr
    assert head.worker_logs_naming("_EmbedBatch") - before, "no actor of this run wrote a log on the head"
    _assert_same_index(tmp_path / "indexes" / "default", fixture_index[1])


@pytest.mark.parametrize("scheme, start", [("", "--port"), ("ray://", "--ray-client-server-port")],
                         ids=["gcs", "ray-client"])
def test_nothing_listening_is_one_line(scheme: str, start: str, tmp_path: Path) -> None:
    (port,) = free_ports(1)
    address = f"{scheme}127.0.0.1:{port}"
    done = _confqa(["index", f"--ray={address}", "--json"], _without_ray_variables(), tmp_path)
    _assert_one_error_line(done, f"cannot join Ray at {address}:", f"nothing listens at 127.0.0.1:{port}",
                           f"`ray start --head {start}={port}`")


def test_ray_client_without_its_package_is_one_line(tmp_path: Path) -> None:
    """Without grpcio (ray[client]), ray:// says what to install, with the Ray version installed here."""
    import ray

    (port,) = free_ports(1)
    done = _confqa(["index", f"--ray=ray://127.0.0.1:{port}", "--json"], _without_ray_variables(), tmp_path,
                   prelude="import sys; sys.modules['grpc'] = None  # what `import grpc` sees when it is missing")
    _assert_one_error_line(done, "Ray Client", f"pip install 'ray[client]=={ray.__version__}'")


@pytest.mark.slow
def test_a_head_that_wants_a_token_is_one_line(head: RayHead, tmp_path: Path) -> None:
    """The head uses token authentication (Ray's default); a driver without the token is refused only after Ray's
    retries (about 20 s), and the line says which variables to set."""
    env = {k: v for k, v in head.driver_env().items() if k not in TOKEN_VARIABLES}
    done = _confqa(["index", f"--ray={head.gcs_address}", "--json"], env, tmp_path)
    _assert_one_error_line(done, f"cannot join Ray at {head.gcs_address}:", "RAY_AUTH_MODE=token", "RAY_AUTH_TOKEN")


@pytest.mark.parametrize("address, expected", [
    ("ray://head", ("head", 10001)),
    ("ray://head:4321", ("head", 4321)),
    ("10.0.0.5:6379", ("10.0.0.5", 6379)),
    ("[::1]:6379", ("::1", 6379)),
])
def test_addresses_are_read_as_ray_reads_them(address: str, expected: tuple[str, int]) -> None:
    from confqa.distributed import RAY_CLIENT_DEFAULT_PORT, _host_port

    default = RAY_CLIENT_DEFAULT_PORT if address.startswith("ray://") else None
    assert _host_port(address, default) == expected


@pytest.mark.parametrize("address", ["127.0.0.1", "head:port", "head:70000", ":6379"])
def test_an_address_ray_cannot_join_is_a_usage_error(address: str) -> None:
    from confqa.distributed import _host_port
    from confqa.errors import ConfqaUsageError

    with pytest.raises(ConfqaUsageError, match="HOST:PORT of the head's GCS"):
        _host_port(address, None)


class _FlakyRay:
    """A stand-in for the ray module whose init fails the first `failures` times with `error`."""

    __version__ = "test"
    exceptions = type("exceptions", (), {})  # no AuthenticationError: the failures here are not about tokens

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def init(self, **kwargs: object) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error

    def is_initialized(self) -> bool:
        return False


@pytest.mark.parametrize(("failures", "error", "calls", "joins"), [
    (1, ConnectionAbortedError("Initialization failure from server:\n"), 2, True),  # the server's start failed once
    (5, ConnectionAbortedError("Initialization failure from server:\n"), 3, False),  # every attempt failed
    (1, ValueError("bad address"), 1, False),  # nothing to wait for: no second try
])
def test_a_ray_client_join_tries_again_only_when_the_server_failed_to_start(
        monkeypatch: pytest.MonkeyPatch, failures: int, error: Exception, calls: int, joins: bool) -> None:
    import socket

    import confqa.distributed as distributed
    from confqa.errors import ConfqaError

    monkeypatch.setattr(distributed, "CLIENT_INIT_PAUSE", 0.0)
    monkeypatch.setattr(distributed, "_has_ray_client", lambda: True)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    ray = _FlakyRay(failures, error)
    try:
        address = f"ray://127.0.0.1:{listener.getsockname()[1]}"
        if joins:
            distributed._join(ray, address)
        else:
            with pytest.raises(ConfqaError, match="cannot join Ray"):
                distributed._join(ray, address)
    finally:
        listener.close()
    assert ray.calls == calls
