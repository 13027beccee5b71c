"""`confqa serve`: the HTTP JSON API and the web page over one index (needs the confqa[serve] extra)."""

from __future__ import annotations

from confqa.serve.run import serve

__all__ = ["serve"]
