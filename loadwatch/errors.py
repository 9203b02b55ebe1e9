"""The one exception hierarchy loadwatch raises.

Every error a user can meet is a :class:`LoadwatchError`; third-party parser errors are
wrapped (``raise ... from``) so that callers, and the CLI, only ever catch this family.
"""

from __future__ import annotations

from pathlib import Path

from loadwatch.labels import shown


class LoadwatchError(Exception):
    """Base class of every error loadwatch raises on purpose.

    Args:
        message: What is wrong, in words a runner understands, and what to do about it.
        path: The file (or archive member, ``archive.zip/member.fit``) the error is about.
        offset: Byte offset in that file, where it helps to locate the fault.
    """

    def __init__(
        self, message: str, *, path: str | Path | None = None, offset: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.offset = offset

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{shown(self.path)}: "
        # The message may name a path too (a cache, an output folder): shown, like the path.
        if self.offset is not None:
            return f"{where}{shown(self.message)} (at byte {self.offset})"
        return f"{where}{shown(self.message)}"


class SourceError(LoadwatchError):
    """A path cannot be read at all: missing, unreadable, or an archive beyond safe limits."""


class UnsupportedFileError(LoadwatchError):
    """The content is in none of the formats loadwatch reads (:mod:`loadwatch.ingest.formats`)."""


class CorruptFileError(LoadwatchError):
    """The file claims a known format but is broken before any usable data."""


class NotAnActivityError(LoadwatchError):
    """A valid file that holds no activity (settings, workouts, weight scale, a route...)."""


class EmptyActivityError(LoadwatchError):
    """An activity with nothing to count: no distance and no duration, or no timestamps."""


class ConfigError(LoadwatchError):
    """A configuration file, or an option, that loadwatch cannot use.

    ``setting`` names the setting as a config file does (``"threshold"``,
    ``"athlete.rest_hr"``), or is ``None``; a message about a setting begins with its name, so
    that the command line can say ``--threshold`` in its place.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        offset: int | None = None,
        setting: str | None = None,
    ) -> None:
        super().__init__(message, path=path, offset=offset)
        self.setting = setting


def unreadable_folder(root: str | Path, error: OSError) -> SourceError:
    """The error for an analysed folder that cannot be listed or looked into (its permissions)."""
    reason = error.strerror or str(error)
    return SourceError(
        f"is a folder that cannot be read ({reason}); check its permissions", path=root
    )
