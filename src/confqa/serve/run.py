"""Start the server: check that it may listen where it was asked to, open the index, bind, and run uvicorn
until it is stopped (Ctrl+C or SIGTERM; requests in flight are finished first)."""

from __future__ import annotations

import copy
import os
import socket
from collections.abc import Callable
from pathlib import Path

from confqa.errors import ConfqaError
from confqa.settings import Settings


def serve(settings: Settings, index_dir: Path, announce: Callable[[str], None], access_log: bool = True) -> None:
    import uvicorn

    from confqa.api import Assistant
    from confqa.serve.app import create_app
    from confqa.serve.current import CurrentIndex
    from confqa.serve.guards import check_exposure

    options = settings.serve
    token = os.environ.get(options.token_env) or None
    check_exposure(options.host, token, options.token_env)
    current = CurrentIndex(index_dir, lambda: Assistant(str(index_dir), settings=settings, build_missing=False))
    opened = current.open()  # a missing or damaged index fails here, before anything listens
    app = create_app(settings, index_dir, current)
    listener = _bind(options.host, options.port)
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    announce(f"serving {index_dir} ({opened.generation}, {len(opened.assistant.talks())} talks) at "
             f"http://{shown}:{port}/ (API docs at /docs){'; a token is required' if token else ''}; "
             "Ctrl+C stops it")
    config = uvicorn.Config(app, log_config=_log_config(), access_log=access_log, lifespan="on",
                            timeout_graceful_shutdown=10, server_header=False)
    uvicorn.Server(config).run(sockets=[listener])


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before uvicorn starts, so that --port 0 can say which port it got and a port
    in use is one clear error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ConfqaError(f"cannot listen on {host!r}: {exc.strerror}") from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(2048)
    except OSError as exc:
        listener.close()
        hint = "; choose another with --port" if exc.errno == 98 else ""
        raise ConfqaError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from None
    listener.set_inheritable(True)
    return listener


def _log_config() -> dict[str, object]:
    """uvicorn's logging, with the access log on stderr like every other diagnostic of confqa."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"  # type: ignore[index]
    return config
