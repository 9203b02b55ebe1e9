"""The command line's exit codes beyond click's own (0 done, 1 an error, 2 a usage error)."""

from __future__ import annotations

#: Exit code when --fail-on-flag is given and the newest week is flagged.
EXIT_FLAGGED = 3
#: Exit code when another run held the cache for longer than --wait.
EXIT_BUSY = 4
