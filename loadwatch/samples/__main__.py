"""``python -m loadwatch.samples OUT_DIR [--seed N]``: write the sample activity folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loadwatch.samples import generate


def main(argv: list[str] | None = None) -> int:
    """Generate the samples into the folder given on the command line; report what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m loadwatch.samples",
        description="Write sixteen weeks of made-up activity files (FIT, GPX, TCX) for loadwatch.",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write into, e.g. sample_data")
    parser.add_argument("--seed", type=int, default=7, help="simulation seed (default 7)")
    args = parser.parse_args(argv)
    written = generate(args.out_dir, seed=args.seed)
    size = sum(path.stat().st_size for path in written)
    print(f"wrote {len(written)} files ({size / 1e6:.1f} MB) to {args.out_dir}")
    stale = sorted(
        path for path in args.out_dir.rglob("*") if path.is_file() and path not in set(written)
    )
    for path in stale:
        print(f"not from this generation (delete it?): {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
