"""Several inputs in one analysis (``loadwatch analyze ~/Garmin export.zip``).

A scan takes one path or several. With several, each file's label starts with its input's
name (``Garmin/2026/run.fit``, ``export.zip/activities/1.fit.gz``), so that labels stay unique
and say where a file came from; the duplicate rules of :mod:`~loadwatch.ingest.usable` then
apply across the inputs as within one, since all of their activities are one list.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from loadwatch.errors import SourceError
from loadwatch.ingest.cache import Cache
from loadwatch.ingest.sources import iter_files
from loadwatch.model import Skipped

#: One input, or several.
Inputs = str | Path | Sequence[str | Path]


def roots_of(inputs: Inputs) -> tuple[Path, ...]:
    """The inputs as paths, in the order given (one path is one input), each once: an input
    given twice, or inside another input, is read once, with the other.

    Raises:
        SourceError: ``inputs`` is an empty list.
    """
    if isinstance(inputs, str | Path):
        return (Path(inputs),)
    roots = tuple(Path(item) for item in inputs)
    if not roots:
        raise SourceError("no folder or file to analyse was given")
    real = [root.resolve() for root in roots]
    return tuple(
        root
        for k, root in enumerate(roots)
        if real[k] not in real[:k]
        and not any(other != real[k] and real[k].is_relative_to(other) for other in real)
    )


def iter_inputs(
    inputs: Inputs, walk: Callable[[Path], Iterable[tuple[Path, str] | Skipped]] = iter_files
) -> Iterator[tuple[Path, str] | Skipped]:
    """``walk`` (:func:`~loadwatch.ingest.sources.iter_files`) over every input, labels
    prefixed by the input's name when there are several (a second input of the same name gets
    `` (2)``)."""
    roots = roots_of(inputs)
    if len(roots) == 1:
        yield from walk(roots[0])
        return
    names: set[str] = set()
    for root in roots:
        name = root.resolve().name or str(root)
        unique, number = name, 2
        while unique in names:
            unique, number = f"{name} ({number})", number + 1
        names.add(unique)
        for item in walk(root):
            if isinstance(item, Skipped):
                yield dataclasses.replace(item, source=f"{unique}/{item.source}")
            else:
                path, label = item
                yield path, label if root.is_file() and label == unique else f"{unique}/{label}"


def forget_missing(cache: Cache | None, inputs: Inputs, seen: set[str]) -> None:
    """Drop from ``cache`` the memo of files under each input that were not ``seen`` now."""
    if cache is None:
        return
    for root in roots_of(inputs):
        cache.forget_files_under(root.resolve(), seen)


def real_paths(inputs: Inputs) -> Callable[[Path], str]:
    """How to name each walked file by its real path, resolving each input once.

    A walked file is its input's path joined with names, so its real path is the input's,
    resolved once, joined with the same names: no ``resolve()`` per file, which costs several
    system calls each (the names of links inside an input are kept, not followed). A path
    under no input is resolved.
    """
    pairs = []
    for root in roots_of(inputs):
        given, real = os.fspath(root), os.fspath(root.resolve())
        pairs.append((given, real, _inside(given), _inside(real)))

    def real_path(path: Path) -> str:
        text = os.fspath(path)
        for given, real, given_inside, real_inside in pairs:
            if text == given:
                return real
            if text.startswith(given_inside):
                return real_inside + text[len(given_inside) :]
        return os.fspath(path.resolve())

    return real_path


def _inside(folder: str) -> str:
    """The start of every path inside ``folder``."""
    return folder if folder.endswith(os.sep) else folder + os.sep
