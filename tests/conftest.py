import os
from pathlib import Path

import pytest
from hypothesis import settings

# On CI the property tests draw the same examples every run, so a rare example cannot fail one
# submission and pass the next; locally they keep exploring (and remember what failed).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-file corpus; tests skip without it, except on CI where it must exist."""
    value = os.environ.get("LOADWATCH_CORPUS")
    if not value:
        if os.environ.get("CI"):
            pytest.fail("LOADWATCH_CORPUS must be set on CI")
        pytest.skip("set LOADWATCH_CORPUS to the shared corpus to run this test")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"LOADWATCH_CORPUS={value} is not a folder")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the real user's config and cache folders (and theirs from ours)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The label of every file a scan actually parses (not answered from the cache), in order."""
    from loadwatch.ingest import scan as scan_module
    from loadwatch.ingest.scan import FileResult
    from loadwatch.vocab import OnError

    calls: list[str] = []
    real = scan_module.parse_file

    def spy(
        path: Path, label: str, *, on_error: OnError = OnError.SKIP, digest: bool = False
    ) -> FileResult:
        calls.append(label)
        return real(path, label, on_error=on_error, digest=digest)

    monkeypatch.setattr(scan_module, "parse_file", spy)
    return calls
