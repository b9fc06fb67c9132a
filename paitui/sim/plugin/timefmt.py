"""PaiPlugin's time strings: ``yyyy-MM-dd HH:mm:ss`` in UTC+8 (China Standard Time), no zone suffix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "UTC+8")
FORMAT = "%Y-%m-%d %H:%M:%S"


def cst(moment: datetime) -> str:
    return moment.astimezone(CST).strftime(FORMAT)


def parse_cst(text: str) -> datetime | None:
    """The wire form (read as UTC+8), or ISO-8601 with an explicit offset/``Z``; None when unparsable."""
    value = text.strip()
    try:
        return datetime.strptime(value, FORMAT).replace(tzinfo=CST).astimezone(UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)).astimezone(UTC)


def epoch_millis(moment: datetime | None) -> int:
    """``EndTime`` is an int on the wire: epoch milliseconds, 0 when the plan has no end."""
    return 0 if moment is None else int(moment.timestamp() * 1000)
