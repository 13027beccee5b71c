"""Errors that confqa raises on purpose: each carries a message meant for the user."""

from __future__ import annotations


class ConfqaError(Exception):
    """A failure the user can fix (missing index, bad file, unknown filter). The CLI exits 1."""

    exit_code = 1


class ConfqaUsageError(ConfqaError):
    """The request itself is malformed (empty question, bad option value). The CLI exits 2."""

    exit_code = 2


class IndexNotFoundError(ConfqaError):
    """No index exists where one was asked for."""


class IndexCorruptError(ConfqaError):
    """An index exists but cannot be trusted: unreadable, tampered with or from another model."""


class IndexBusyError(ConfqaError):
    """Another process is building the same index."""


class UnknownFilterError(ConfqaUsageError):
    """A filter names a talk, speaker or document that the index does not know."""


class MissingExtraError(ConfqaError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}: pip install 'confqa[{extra}]'"
        )
