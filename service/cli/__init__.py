"""The ``tablerx`` command line: a thin shell over the same functions the service uses.

Each command group lives in its own module and registers its subcommands through
``register(subparsers)``; ``main`` only parses arguments and dispatches. Every command
returns its process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules of this package that contribute subcommands, in the order of `tablerx --help`.
COMMAND_MODULES: tuple[str, ...] = ("tck", "serve", "sheets", "versions")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="tablerx",
        description="Clinical decision tables: compile workbooks to DMN, evaluate, serve.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"service.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tablerx`` console script."""
    args = build_parser().parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
