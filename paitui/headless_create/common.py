"""The flags every creation verb takes, light to import: ``paitui --help`` builds every verb's parser, and
``flow`` (which sends) loads the client."""

from __future__ import annotations

import argparse


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--dry-run, --yes and -o (call from a verb's ``add_arguments``)."""
    parser.add_argument("--dry-run", action="store_true",
                        help="check the rules, print the signed request (secrets redacted) and send nothing")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask (required without a terminal)")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text")
