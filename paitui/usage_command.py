"""``paitui requests [-o table|json]``: the requests paitui sent today and this month, per operation, and
what they cost — read from the state folder's per-day totals (``live.usage_store``); nothing is sent.

The table's columns are the ``:requests`` kind's (``kinds/requests.py``), without the ones only a running
dashboard knows (since start, per minute). No Textual, no models, no client.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any, TextIO

from paitui.api.meter import BILLING_TZ, RequestMeter
from paitui.config import ConfigError
from paitui.kinds.requests import KIND
from paitui.live.usage import UsageRow, price_table, usage_rows

SESSION_ONLY = frozenset({"start", "rate"})  # columns a process reading the file cannot fill


def _as_json(row: UsageRow) -> dict[str, Any]:
    return {"product": row.product, "operation": row.action, "today": row.today, "month": row.month,
            "failed_today": row.failed_today, "free_left": row.free_left,
            "price_per_call": row.price.per_call, "free_per_month": row.price.free_per_month,
            "cost_today": row.cost_today, "cost_month": row.cost_month, "price_source": row.price.source}


def render(rows: list[UsageRow], day: str, out: TextIO) -> None:
    columns = [c for c in KIND.columns if c.key not in SESSION_ONLY]
    cells = [[c.title for c in columns]] + [[str(c.value(row)) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        print("  ".join(text.ljust(w) if c.align == "left" else text.rjust(w)
                        for text, w, c in zip(line, widths, columns, strict=True)).rstrip(), file=out)
    if not rows:
        print(f"no requests counted this month (billing day {day}, {BILLING_TZ})", file=out)
    else:
        print(f"billing day {day} ({BILLING_TZ}); — = no price known (set one in [prices] of the config)", file=out)


def main(args: Any, out: TextIO | None = None) -> int:
    from paitui.cli import settings_from_args
    from paitui.live.usage_store import read_history
    from paitui.locations import usage_file

    try:
        settings = settings_from_args(args)
    except ConfigError as exc:
        print(f"paitui: {exc}", file=sys.stderr)
        return 2
    meter = RequestMeter()
    meter.absorb(read_history(usage_file()))
    rows = usage_rows(meter, price_table(settings), session=False)
    text = io.StringIO()
    if args.output == "json":
        print(json.dumps({"billing_day": meter.today(), "billing_timezone": str(BILLING_TZ),
                          "operations": [_as_json(r) for r in rows]}, ensure_ascii=False, indent=2), file=text)
    else:
        render(rows, meter.today(), text)
    if out is not None:
        out.write(text.getvalue())
        return 0
    try:
        sys.stdout.write(text.getvalue())
        sys.stdout.flush()
    except BrokenPipeError:  # a reader that left early (`| head`): as `paitui call` does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 0
