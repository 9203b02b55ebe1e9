"""The docs a runner reads, shipped with the package: ``loadwatch docs`` prints them.

The pages are ``docs/*.md`` of the repository, installed as package data
(``loadwatch/docs/*.md``: in the repository a symbolic link to ``docs/``, which the build
follows, so there is one copy of each page).
"""

from __future__ import annotations

from importlib import resources

from loadwatch.errors import LoadwatchError

#: Each page ``loadwatch docs`` knows: its name there, its file, and what it is about.
PAGES: dict[str, tuple[str, str]] = {
    "metrics": ("metrics.md", "every figure and flag: its definition, its source, its critique"),
    "nightly": ("nightly.md", "the nightly job: schedule, log, notifications"),
    "surfaces": ("surfaces-from-maps.md", "road, trail and track from OpenStreetMap"),
    "body-log": ("body-log.md", "the body log: pain, effort, strength work and red flags"),
    "limits": ("limits.md", "how large a file, an archive or a folder may be"),
}


def doc_page(name: str) -> str:
    """The text of the shipped page ``name`` (a key of :data:`PAGES`).

    Raises:
        LoadwatchError: ``name`` is no page, or this installation does not have it.
    """
    if name not in PAGES:
        raise LoadwatchError(f"no page {name!r}; the pages are {', '.join(PAGES)}")
    page = resources.files("loadwatch").joinpath("docs", PAGES[name][0])
    try:
        return page.read_text(encoding="utf-8")
    except OSError as error:
        raise LoadwatchError(f"the page {name!r} is not in this version of loadwatch") from error
