"""The assistant of an index's current generation, shared by every request of a server.

`confqa index` writes a new generation and then switches the index's CURRENT pointer to it. A server follows
the switch: each request reads the pointer (one small file), and when it names a generation other than the
one being served, one request opens the new generation and the requests that started after the switch wait
for it; requests that started before go on with the old one. The old
assistant is dropped only when nothing holds it any more, so requests in flight finish on the generation they
started on (its files were read into memory when it was opened; a rebuild may delete them meanwhile)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confqa.api import Assistant
from confqa.errors import IndexNotFoundError
from confqa.index.storage import current_generation


@dataclass(frozen=True)
class Served:
    """One opened generation: what a request answers from, start to end."""

    generation: str
    assistant: Assistant


class CurrentIndex:
    """Hands each request the assistant of the current generation (see the module's docstring)."""

    def __init__(self, index_dir: Path, make: Callable[[], Assistant]) -> None:
        self.index_dir = index_dir
        self._make = make
        self._opening = threading.Lock()
        self._served: Served | None = None

    def open(self) -> Served:
        """Open the current generation now (at start-up: a missing or damaged index fails before listening)."""
        with self._opening:
            self._served = self._open_current()
            return self._served

    def get(self) -> Served:
        served = self._served
        pointer = current_generation(self.index_dir)
        if pointer is None:
            if served is not None:
                return served  # the index folder was removed under a running server: keep answering from memory
            raise IndexNotFoundError(f"no index at {self.index_dir}")
        if served is not None and served.generation == pointer.name:
            return served
        # A request that starts after the switch is answered from the new generation: it waits while one request
        # opens it (well under a second with the question model loaded), then every request shares it.
        with self._opening:
            latest = self._served
            if latest is None or latest.generation != pointer.name:
                latest = self._served = self._open_current()
            return latest

    def _open_current(self) -> Served:
        assistant = self._make()
        generation = assistant.warm()  # may be newer than the pointer read above; the store says which it opened
        return Served(generation, assistant)
