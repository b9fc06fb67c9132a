"""The docs the code cites exist in the repository, with the sections it names.

The code explains wire behaviour by citing ``docs/WIRE.md §n``; a citation of a section that is not there (a
renumbering, a typo, a fact never written down) fails here instead of sending a reader nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
# "docs/WIRE.md §6.1" and the bare "§6.1" / "§6.1–6.4" that follow it in the same file
_SECTION = re.compile(r"§(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?")


def wire_sections(text: str) -> set[str]:
    """Section numbers of a page: ``## 6.`` headings give "6", ``### 6.1`` give "6.1"; numbered gotchas give
    "9.n" (a list item ``n.`` under ``## 9.``)."""
    found: set[str] = set()
    chapter = None
    for line in text.splitlines():
        if heading := re.match(r"#{2,3} (\d+)(?:\.(\d+))?\.? ", line):
            chapter = heading.group(1)
            found.add(chapter if heading.group(2) is None else f"{chapter}.{heading.group(2)}")
        elif chapter == "9" and (item := re.match(r"(\d+)\. ", line)):
            found.add(f"9.{item.group(1)}")
    return found


def cited_sections(text: str) -> list[str]:
    out: list[str] = []
    for first, last in _SECTION.findall(text):
        out.append(first)
        if last:
            out.append(last if "." in last else f"{first.split('.')[0]}.{last}")
    return out


def citing_files() -> list[Path]:
    return [p for folder in ("paitui", "tests", "tools") for p in sorted((REPO / folder).rglob("*.py"))
            if "docs/WIRE.md" in p.read_text(encoding="utf-8")]


def test_every_cited_wire_section_exists() -> None:
    sections = wire_sections((DOCS / "WIRE.md").read_text(encoding="utf-8"))
    files = citing_files()
    assert len(files) > 30  # the code cites the page throughout
    missing = [f"{path.relative_to(REPO)}: §{number}" for path in files if path.name != "test_docs.py"
               for number in cited_sections(path.read_text(encoding="utf-8")) if number not in sections]
    assert not missing, "\n".join(missing)


def test_the_citation_check_can_fail() -> None:
    sections = wire_sections("## 2. Wire\n\n### 2.1 Paths\n\n## 9. Gotchas\n\n1. one\n2. two\n")
    assert sections == {"2", "2.1", "9", "9.1", "9.2"}
    assert cited_sections("see docs/WIRE.md §2.1 and §2.7, §6.1–6.4, §9.15") == ["2.1", "2.7", "6.1", "6.4", "9.15"]
    assert [n for n in cited_sections("§2.1, §2.7") if n not in sections] == ["2.7"]


def test_the_docs_the_code_names_are_in_the_repo() -> None:
    for name in ("WIRE.md", "ARCHITECTURE.md"):
        assert (DOCS / name).is_file(), name
    for path in (REPO / "paitui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "PAI-API.md" not in text and "DESIGN.md" not in text, f"{path} cites a document outside the repo"
