"""Where a run may write: its outputs and its log never go into the folder it analyses.

Kept apart from :mod:`loadwatch.nightly.runner` so that the command line can check a ``--log``
before the analysis (and pandas) is imported.
"""

from __future__ import annotations

from pathlib import Path

from loadwatch.errors import ConfigError


def refuse_inside(root: Path, out: Path, *, setting: str = "out") -> None:
    """Refuse an output (the ``out`` folder, the ``log`` file...) in the watched folder, or that
    is the watched file itself: loadwatch never writes there.

    Args:
        root: The analysed folder or file.
        out: Where the output would be written.
        setting: The setting that named ``out``, for the message.

    Raises:
        ConfigError: When ``out`` is ``root`` or inside it.
    """
    watched, target = root.resolve(), out.resolve()
    what = "a folder" if setting == "out" else "a file"
    try:
        folder = watched.is_dir()
    except OSError:  # it cannot be looked at: reading it fails next, and says why
        return
    if target == watched and not folder:
        raise ConfigError(
            f"{setting} {out} is the analysed file, which loadwatch never writes to; "
            f"choose {what} elsewhere",
            setting=setting,
        )
    if folder and (target == watched or watched in target.parents):
        raise ConfigError(
            f"{setting} {out} is inside the analysed folder, which loadwatch never writes to; "
            f"choose {what} outside it",
            setting=setting,
        )
