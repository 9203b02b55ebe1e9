"""Which marks of the weekly table a runner has been shown the legend of.

``loadwatch analyze`` explains a mark (``DIST``, ``road``, the columns...) the first time it
appears, and again only with ``--legend``. The codes already explained are kept in a small JSON
file, ``legend-seen.json`` in the user's state folder
(:func:`loadwatch.settings.dirs.user_state_dir`), written atomically; deleting it brings the
whole legend back once. A file that cannot be read counts as empty, and one that cannot be
written is no error: the legend is said again next time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from loadwatch.atomic import write_atomically
from loadwatch.errors import LoadwatchError
from loadwatch.settings.dirs import user_state_dir

#: The file's name in the state folder.
SEEN_FILE = "legend-seen.json"
#: The most codes kept: the intensity scale's line is a code, and changes with the thresholds.
MAX_CODES = 200


def seen_file(state_dir: Path | None = None) -> Path:
    """The file of the explained codes, in ``state_dir`` (default: the user's state folder)."""
    return (state_dir if state_dir is not None else user_state_dir()) / SEEN_FILE


def read_seen(path: Path) -> frozenset[str]:
    """The codes ``path`` says were explained; none when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return frozenset()
    codes = data.get("seen") if isinstance(data, dict) else None
    if not isinstance(codes, list):
        return frozenset()
    return frozenset(code for code in codes if isinstance(code, str))


def remember_seen(path: Path, codes: Iterable[str]) -> bool:
    """Add ``codes`` to those ``path`` keeps (the newest last, at most :data:`MAX_CODES`).

    Returns:
        Whether the file was written.
    """
    before = read_seen(path)
    new = [code for code in dict.fromkeys(codes) if code not in before]
    if not new:
        return True
    kept = [*sorted(before), *new][-MAX_CODES:]
    data = json.dumps({"seen": kept}, ensure_ascii=False, indent=1) + "\n"
    try:
        write_atomically(path, data.encode("utf-8"))
    except (OSError, LoadwatchError):
        return False
    return True
