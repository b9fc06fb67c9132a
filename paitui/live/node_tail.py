"""Tailing a PAIFlow pipeline node's log (no Textual): ``Offset``/``PageSize`` paging, ``TotalCount`` says
how far to page."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from paitui.api.errors import PaiError
from paitui.live.status import is_terminal_node
from paitui.live.tail_common import Now, Pace, Since, TailBatch, TailerBase, utcnow, yield_now

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


class NodeLogTailer(TailerBase):
    """Tails a pipeline node's log with ``Offset`` = lines received so far (exact: the filtered log only
    grows while the filters stay fixed). ``TotalCount`` says how far to page; a shrinking total means the
    log was reset (a re-run) and reading restarts from the beginning."""

    def __init__(self, client: PaiClient, run_id: str, node_id: str, *, since_: Since | None = None,
                 interval: float = 1.0, page_size: int = 1000, batch_lines: int = 50_000,
                 now: Now = utcnow, pace: Pace = yield_now) -> None:
        super().__init__(client, since_=since_, interval=interval, batch_lines=batch_lines, now=now, pace=pace)
        self.run_id = run_id
        self.node_id = node_id
        self.page_size = page_size
        self.offset: int | None = None
        self.total = 0
        self._from: int | None = None

    async def poll(self) -> TailBatch:
        try:
            node = await self.client.flow.get_pipeline_run_node(self.run_id, self.node_id)
            status = node.status_info.status if node.status_info is not None else None
            final = is_terminal_node(status)
            lines, more, notes = await self.fetch()
        except PaiError as error:
            return self._error_batch(error)
        self.backoff.ok()
        done = final and not more
        self.done = done
        self.state = "ended" if done else ("live" if self.total or lines else "waiting")
        return TailBatch(lines, self.state, more=more, done=done, notes=notes, detail=node)

    async def _page(self, offset: int, size: int) -> tuple[list[str], int]:
        response = await self.client.flow.list_pipeline_run_node_logs(
            self.run_id, self.node_id, offset=offset, page_size=size, from_time=self._from)
        return response.logs or [], response.total_count or 0

    async def fetch(self) -> tuple[list[str], bool, list[str]]:
        notes: list[str] = []
        if self.offset is None:
            if self.since.seconds is not None:
                self._from = int((self._now() - timedelta(seconds=self.since.seconds)).timestamp())
            self.offset = 0
            if self.since.lines is not None:
                _, total = await self._page(0, 1)
                self.offset = max(0, total - self.since.lines)
        out: list[str] = []
        while True:
            try:
                logs, total = await self._page(self.offset, self.page_size)
            except PaiError:
                if not out:
                    raise
                # the pages before are counted in `offset` already: hand them out (as a backlog, so the
                # next poll retries this page at once and reports a lasting error), never drop them
                return out, True, notes
            if total < self.offset:  # the log got shorter: it was reset (re-run)
                notes.append("the node's log was reset; reading it again from the start")
                self.offset = 0
                continue
            self.total = total
            out.extend(logs)
            self.offset += len(logs)
            if not logs or self.offset >= total or len(out) >= self.batch_lines:
                break
            await self.pace()
        return out, self.offset < self.total, notes
