"""``python -m loadwatch`` runs the command-line interface."""

from loadwatch.cli import cli

if __name__ == "__main__":
    cli(prog_name="loadwatch")
