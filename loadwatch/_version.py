"""The single place the package version lives (read by pyproject.toml and the CLI)."""

__version__ = "0.1.0"
