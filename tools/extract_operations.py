"""Regenerate the operation tables of docs/WIRE.md §6.1–6.4 from the wire reference (PAI-API.md).

The reference lives outside the repository (``shared/api/PAI-API.md`` beside a checkout); the tables it yields are
checked in, inside docs/WIRE.md between the ``operations:6.x`` markers (the notes around them are written by
hand), so ``tests/api/test_operations.py`` can compare
``paitui/api/operations.py`` against them on a plain clone. Run it again when the reference changes:

    python tools/extract_operations.py [path/to/PAI-API.md]

Only action, method and path are kept (what the test compares); parameters live in the operations table itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIRE = ROOT / "docs" / "WIRE.md"
CANDIDATES = (ROOT.parent / "shared" / "api" / "PAI-API.md", Path("/work/shared/api/PAI-API.md"))
SECTIONS = ("6.1", "6.2", "6.3", "6.4")  # pai-dlc, PAIFlow, AIWorkSpace, PaiPlugin

def _markers(section: str) -> tuple[str, str]:
    return f"<!-- operations:{section} (tools/extract_operations.py) -->", f"<!-- /operations:{section} -->"


def operation_rows(reference: str) -> dict[str, list[tuple[str, str, str]]]:
    """``section -> [(action, method, path)]`` from the tables of §6.1–6.4 of the reference."""
    rows: dict[str, list[tuple[str, str, str]]] = {s: [] for s in SECTIONS}
    current = None
    for line in reference.splitlines():
        heading = re.match(r"### (\d\.\d) ", line)
        if heading:
            current = heading.group(1) if heading.group(1) in SECTIONS else None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current and line.startswith("|") and len(cells) >= 3 and cells[1] in ("GET", "POST", "PUT", "DELETE"):
            rows[current].append((cells[0], cells[1], cells[2].strip("`")))
    return rows


def render(section: str, rows: list[tuple[str, str, str]]) -> str:
    begin, end = _markers(section)
    table = [f"| {action} | {method} | `{path}` |" for action, method, path in rows]
    return "\n".join([begin, "", "| Action | Method | Path |", "|---|---|---|", *table, "", end])


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else next((p for p in CANDIDATES if p.exists()), None)
    if source is None or not source.exists():
        print("PAI-API.md not found; pass its path", file=sys.stderr)
        return 2
    rows = operation_rows(source.read_text(encoding="utf-8"))
    text = WIRE.read_text(encoding="utf-8")
    for section, found in rows.items():
        begin, end = _markers(section)
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + render(section, found) + text[stop:]
    WIRE.write_text(text, encoding="utf-8")
    print(f"{WIRE.relative_to(ROOT)}: {sum(map(len, rows.values()))} operations from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
