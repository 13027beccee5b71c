"""confqa's version, from the installed package's metadata (one place; modules import it from here, never from
the package's __init__, which would make every module import the whole public surface)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("confqa")
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"
