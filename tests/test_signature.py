"""A folder's stat signature: what changes it, and what the walk passes over."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from loadwatch.ingest.signature import folder_signature, signature_and_newest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with two files, one in a sub-folder."""
    root = tmp_path / "runs"
    (root / "2026").mkdir(parents=True)
    (root / "a.fit").write_bytes(b"a" * 100)
    (root / "2026" / "b.gpx").write_bytes(b"b" * 100)
    return root


def test_same_folder_same_signature(folder: Path) -> None:
    """Nothing changed: the same signature."""
    assert folder_signature([folder]) == folder_signature([folder])


@pytest.mark.parametrize("change", ["added", "touched", "rewritten", "removed", "renamed"])
def test_changes_change_it(folder: Path, change: str) -> None:
    """A file added, touched, rewritten, removed or renamed changes the signature."""
    before = folder_signature([folder])
    target = folder / "2026" / "b.gpx"
    if change == "added":
        (folder / "2026" / "c.tcx").write_bytes(b"c")
    elif change == "touched":
        os.utime(target, ns=(1, 1))
    elif change == "rewritten":
        target.write_bytes(b"x" * 101)
    elif change == "removed":
        target.unlink()
    else:
        target.rename(folder / "2026" / "d.gpx")
    assert folder_signature([folder]) != before


def test_hidden_entries_are_passed_over(folder: Path) -> None:
    """Hidden files and folders (a sync tool's) are not part of it, as the walk skips them."""
    before = folder_signature([folder])
    (folder / ".stversions").mkdir()
    (folder / ".stversions" / "old.fit").write_bytes(b"o")
    (folder / ".sync.tmp").write_bytes(b"t")
    assert folder_signature([folder]) == before


def test_newest_time(folder: Path) -> None:
    """The newest modification time is reported, for a caller to refuse one too recent."""
    os.utime(folder / "a.fit", ns=(5_000_000_000, 5_000_000_000))
    os.utime(folder / "2026" / "b.gpx", ns=(7_000_000_000, 7_000_000_000))
    _, newest = signature_and_newest([folder])
    assert newest == 7_000_000_000


def test_files_missing_roots_and_loops(folder: Path, tmp_path: Path) -> None:
    """A file as input, a missing input and a link back to a parent all give a signature."""
    (folder / "2026" / "up").symlink_to(folder)
    looped = folder_signature([folder])
    assert looped == folder_signature([folder])
    assert folder_signature([folder / "a.fit"]) != folder_signature([tmp_path / "gone"])
    assert folder_signature([folder, folder / "a.fit"]) != looped


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_folder(folder: Path) -> None:
    """A folder that cannot be listed is part of it (and changes it when it can be again)."""
    locked = folder / "2026"
    locked.chmod(0)
    try:
        blocked = folder_signature([folder])
    finally:
        locked.chmod(0o755)
    assert blocked != folder_signature([folder])


def test_dangling_link(folder: Path) -> None:
    """A link to nothing is an entry that cannot be looked at, not an error."""
    (folder / "gone.fit").symlink_to(folder / "nowhere")
    assert folder_signature([folder]) == folder_signature([folder])


def test_imports_no_pandas() -> None:
    """Importing the signature (and the ingest package) does not import pandas."""
    import subprocess

    code = (
        "import sys, loadwatch.ingest.signature\n"
        "print([m for m in ('pandas', 'numpy') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
