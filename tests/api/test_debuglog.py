"""The ``--debug`` request log: private (0600 file, 0700 folder), size-capped and rotated, secrets redacted."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from paitui.api.debuglog import REDACTED, RequestLog


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_private_even_in_an_open_folder_and_with_an_old_open_file(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "paitui"
    RequestLog(folder / "requests.log").write({"action": "ListJobs"})
    assert (mode(folder), mode(folder / "requests.log")) == (0o700, 0o600)
    # a folder and a file left world-readable by an older paitui are tightened on open
    folder.chmod(0o755)
    (folder / "requests.log").chmod(0o644)
    RequestLog(folder / "requests.log")
    assert (mode(folder), mode(folder / "requests.log")) == (0o700, 0o600)


def test_rotated_at_the_size_cap_keeping_a_few_files(tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    log = RequestLog(path, max_bytes=1000, backups=2)
    for index in range(60):
        log.write({"action": "ListJobs", "n": index, "pad": "x" * 50})
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["requests.log", "requests.log.1", "requests.log.2"]  # the oldest were dropped
    assert all(p.stat().st_size <= 1000 for p in tmp_path.iterdir())
    assert all(mode(p) == 0o600 for p in tmp_path.iterdir())
    numbers = [json.loads(line)["n"] for name in ("requests.log.2", "requests.log.1", "requests.log")
               for line in (tmp_path / name).read_text().splitlines()]
    assert numbers == list(range(numbers[0], 60))  # in order, none lost between the kept files
    # a new process continues the file it finds and still respects the cap
    RequestLog(path, max_bytes=1000, backups=2).write({"action": "GetJob", "pad": "y" * 900})
    assert path.stat().st_size <= 1000


def test_secrets_are_redacted(tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    RequestLog(path).write({"request_headers": {"Authorization": "ACS3-HMAC-SHA256 Credential=x,Signature=y",
                                                "x-acs-security-token": "CAIS-secret-token"},
                            "note": "secret TopSecretValue1"}, secrets=["TopSecretValue1"])
    text = path.read_text()
    assert "CAIS-secret-token" not in text and "TopSecretValue1" not in text and "Signature=y" not in text
    assert REDACTED in text
