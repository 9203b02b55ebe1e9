"""docs/architecture.md stays true: its tree lists every module there is, and modules stay small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "loadwatch"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: Longest a module may grow (issue 10): past this it is asking to be split.
MAX_MODULE_LINES = 400
#: Modules that are tables rather than code, allowed to be longer: the FIT profile, and the
#: field schema (every engineer's new fields are appended to it).
TABLES: frozenset[str] = frozenset({"loadwatch/ingest/readers/_fitprofile.py"})


def _tree_in_docs() -> list[str]:
    """The module paths the tree in docs/architecture.md lists, as ``loadwatch/x/y.py``."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"## The tree\n.*?```text\n(loadwatch/\n.*?)```", text, re.DOTALL)
    assert block is not None, "docs/architecture.md has no ```text tree under '## The tree'"
    folders: list[str] = []
    modules: list[str] = []
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        indent = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        folders = folders[:indent]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            modules.append("/".join([*folders, name]))
    return modules


def _modules_on_disk() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def test_the_tree_lists_every_module_and_no_other() -> None:
    """A module added, moved or removed without its line in docs/architecture.md fails here."""
    listed = _tree_in_docs()
    assert len(listed) == len(set(listed)), "a module is listed twice"
    on_disk = _modules_on_disk()
    missing = sorted(set(on_disk) - set(listed))
    gone = sorted(set(listed) - set(on_disk))
    assert not missing, f"add these to the tree in docs/architecture.md: {missing}"
    assert not gone, f"these are in docs/architecture.md's tree but not in the package: {gone}"


def test_every_line_of_the_tree_says_what_the_module_is_for() -> None:
    """Each module's line carries a description after its name."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("## The tree", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        name = line.strip()
        if name.endswith(".py"):
            raise AssertionError(f"{name} has no description in docs/architecture.md")


def test_no_module_is_longer_than_the_limit() -> None:
    """No module passes 400 lines (the FIT profile's tables aside)."""
    long = {
        module: lines
        for module in _modules_on_disk()
        if module not in TABLES
        and (lines := len((ROOT / module).read_text(encoding="utf-8").splitlines()))
        > MAX_MODULE_LINES
    }
    assert not long, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"


def test_every_module_says_what_it_is_for() -> None:
    """Every module opens with a docstring, the line the tree's descriptions come from."""
    bare = [
        module
        for module in _modules_on_disk()
        if ast.get_docstring(ast.parse((ROOT / module).read_text(encoding="utf-8"))) is None
    ]
    assert not bare, f"give these modules a docstring: {bare}"
