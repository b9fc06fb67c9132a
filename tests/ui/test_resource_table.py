"""ResourceTable: the virtual table behind every list screen (10,000 synthetic rows)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.layout import Layout
from textual.message import Message

from paitui.live.filtering import parse_filter
from paitui.ui.widgets import Column, ResourceTable
from paitui.ui.widgets import resource_table as resource_table_module
from paitui.ui.widgets.table_model import RowStore

STATUSES = ("Running", "Succeeded", "Failed", "Queuing")


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    status: str
    owner: str
    gpus: int


def make_jobs(count: int) -> list[Job]:
    return [
        Job(f"dlc{i:05d}", f"train-{i:05d}", STATUSES[i % 4], ("alice", "bob", "carol")[i % 3], i % 8)
        for i in range(count)
    ]


COLUMNS = [
    Column("name", "NAME", lambda j: j.name, flex=True),
    Column("id", "ID", lambda j: j.id),
    Column(
        "status",
        "STATUS",
        lambda j: Text(j.status, style="green" if j.status == "Running" else ""),
        width=10,
    ),
    Column("owner", "OWNER", lambda j: j.owner),
    Column("gpus", "GPUS", lambda j: str(j.gpus), align="right", sort_key=lambda j: j.gpus),
]
FIELDS = {"status": lambda j: j.status, "owner": lambda j: j.owner, "text": lambda j: j.name}


class TableApp(App[None]):
    def __init__(self, rows: list[Job], **table_options: Any) -> None:
        super().__init__()
        self.rows = rows
        self.table_options = table_options
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(COLUMNS, key=lambda j: j.id, id="table", **self.table_options)

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        table.set_rows(self.rows)
        table.focus()

    def on_resource_table_row_selected(self, message: ResourceTable.RowSelected) -> None:
        self.messages.append(message)

    def on_resource_table_row_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        self.messages.append(message)

    def on_resource_table_marks_changed(self, message: ResourceTable.MarksChanged) -> None:
        self.messages.append(message)


def line(table: ResourceTable, y: int) -> str:
    return table.render_line(y).text


def body_lines(table: ResourceTable) -> list[str]:
    return [line(table, y) for y in range(1, table.scrollable_content_region.height)]


def style_at(table: ResourceTable, y: int, x: int = 2) -> Style:
    """The style of the cell at (x, y) on screen."""
    offset = 0
    for segment in table.render_line(y):
        offset += segment.cell_length
        if offset > x:
            return segment.style or Style.null()
    raise AssertionError("x past the end of the line")


def last(app: TableApp, kind: type[Message]) -> Any:
    found = [m for m in app.messages if isinstance(m, kind)]
    return found[-1] if found else None


@pytest.fixture
def jobs() -> list[Job]:
    return make_jobs(10_000)


async def test_loads_10k_rows_and_renders_the_top(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        assert (table.row_count, table.visible_count) == (10_000, 10_000)
        assert table.cursor_key == "dlc00000"
        header = line(table, 0)
        assert header.split() == ["NAME", "ID", "STATUS", "OWNER", "GPUS"]
        assert "train-00000" in line(table, 1) and "dlc00000" in line(table, 1)
        assert len(line(table, 1)) == table.scrollable_content_region.width


async def test_cursor_keys(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        body = table.scrollable_content_region.height - 1
        await pilot.press("down", "j", "j", "k")
        assert table.cursor_key == "dlc00002"
        await pilot.press("pagedown")
        assert table.cursor_index == 2 + body
        await pilot.press("pageup", "up")
        assert table.cursor_index == 1
        await pilot.press("ctrl+d")
        assert table.cursor_index == 1 + body // 2
        await pilot.press("ctrl+u")
        assert table.cursor_index == 1
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_key == "dlc09999"
        assert table.scroll_y == table.max_scroll_y
        assert "train-09999" in body_lines(table)[-1]
        await pilot.press("g")
        await pilot.pause()
        assert (table.cursor_key, table.scroll_y) == ("dlc00000", 0)
        await pilot.press("end", "up")
        assert table.cursor_key == "dlc09998"
        await pilot.press("home")
        assert table.cursor_key == "dlc00000"
        await pilot.pause()
        highlighted = last(app, ResourceTable.RowHighlighted)
        assert highlighted.key == "dlc00000" and highlighted.row == jobs[0]


async def test_enter_posts_row_selected(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        selected = last(app, ResourceTable.RowSelected)
        assert selected.key == "dlc00002" and selected.row is jobs[2]
        assert selected.control is app.query_one(ResourceTable)


async def test_click_moves_cursor_then_selects(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.click(ResourceTable, offset=(5, 4))
        assert table.cursor_key == "dlc00003"
        assert last(app, ResourceTable.RowSelected) is None
        await pilot.click(ResourceTable, offset=(5, 4))
        await pilot.pause()
        assert last(app, ResourceTable.RowSelected).key == "dlc00003"


async def test_sort_next_walks_the_columns_then_back_to_the_natural_order(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)):
        table = app.query_one(ResourceTable)
        table.sort_reversed()  # unsorted: the first column, reversed
        assert (table.sort_column, table.sort_reverse) == ("name", True)
        walked = []
        while table.sort_next():
            walked.append((table.sort_column, table.sort_reverse))
        assert walked == [("id", False), ("status", False), ("owner", False), ("gpus", False)]
        assert table.sort_column is None and table.visible_keys[:3] == [j.id for j in jobs[:3]]
        assert table.sort_next() and table.sort_column == "name"  # and round again


async def test_header_click_sorts_stably_and_toggles(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        assert isinstance(table.layout, Layout)  # Textual's own: the column layout has a name of its own
        status_x = table.column_layout.offsets[2] + 1
        await pilot.click(ResourceTable, offset=(status_x, 0))
        assert (table.sort_column, table.sort_reverse) == ("status", False)
        assert "STATUS ▲" in line(table, 0)
        view = list(table.visible_keys)
        statuses = [table.get_row(k).status for k in view]
        assert statuses == sorted(statuses)
        failed = [k for k in view if table.get_row(k).status == "Failed"]
        assert failed == sorted(failed)  # stable: arrival order kept among equals
        assert table.cursor_key == "dlc00000"  # cursor stays on its row

        await pilot.click(ResourceTable, offset=(status_x, 0))
        assert (table.sort_column, table.sort_reverse) == ("status", True)
        assert "STATUS ▼" in line(table, 0)
        view = list(table.visible_keys)
        assert [table.get_row(k).status for k in view] == sorted(statuses, reverse=True)
        running = [k for k in view if table.get_row(k).status == "Running"]
        assert running == sorted(running)  # reverse sort is still stable

        table.sort_by("gpus")
        gpus = [table.get_row(k).gpus for k in table.visible_keys]
        assert gpus == sorted(gpus)  # numeric sort_key, not text
        table.sort_by(None)
        assert list(table.visible_keys) == [j.id for j in jobs]


async def test_filter_keeps_cursor_key_or_nearest(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        assert table.move_cursor_to_key("dlc05000")  # Running
        table.set_filter(parse_filter("status:Running,Failed", FIELDS))
        await pilot.pause()
        assert table.visible_count == 5_000
        assert table.cursor_key == "dlc05000"
        assert "train-05000" in "".join(body_lines(table))

        table.set_filter(parse_filter("!status:Running", FIELDS))  # hides the cursor row
        assert table.cursor_key == "dlc05002"  # the next survivor of the previous view (Failed)
        table.set_filter(None)
        assert table.visible_count == 10_000 and table.cursor_key == "dlc05002"


async def test_set_rows_keeps_cursor_and_scroll(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor_to_key("dlc04000")
        await pilot.pause()
        scroll = table.scroll_y
        fresh = [replace(j, gpus=7) if i % 100 == 0 else j for i, j in enumerate(jobs)]
        table.set_rows([*fresh[:10], *fresh[12:], Job("new", "new", "Queuing", "alice", 0)])
        await pilot.pause()
        assert table.cursor_key == "dlc04000" and table.scroll_y == scroll
        assert table.row_count == 9_999


async def test_diff_keeps_cursor_and_scroll_and_renders_only_visible(
    jobs: list[Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor_to_key("dlc05000")
        await pilot.pause()
        scroll, top = table.scroll_y, body_lines(table)[0]

        rendered: list[str] = []
        real = resource_table_module.render_cells

        def counting(columns: Any, layout: Any, row: Job, marker: str = " ") -> Text:
            rendered.append(row.id)
            return real(columns, layout, row, marker)

        monkeypatch.setattr(resource_table_module, "render_cells", counting)
        visible = table.visible_keys[int(scroll)]
        changed = [replace(jobs[i], status="Failed") for i in range(0, 10_000, 100)]  # includes dlc05000
        changed.append(replace(table.get_row(visible), name="renamed"))
        table.apply_diff(changed=changed)
        await pilot.pause()
        assert table.cursor_key == "dlc05000" and table.scroll_y == scroll
        assert set(rendered) <= {"dlc05000", visible}  # 101 changed, only on-screen ones re-rendered
        assert "renamed" in body_lines(table)[0] and top != body_lines(table)[0]

        table.apply_diff(added=[Job("zzz", "late", "Queuing", "bob", 1)], removed=["dlc00001", "dlc00002"])
        await pilot.pause()
        assert table.cursor_key == "dlc05000" and table.scroll_y == scroll
        assert table.row_count == 9_999 and table.visible_keys[-1] == "zzz"


async def test_removed_cursor_row_moves_to_neighbour(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor_to_key("dlc00010")
        table.apply_diff(removed=["dlc00010"])
        assert table.cursor_key == "dlc00011"
        table.move_cursor_to_key("dlc09999")
        table.apply_diff(removed=["dlc09999"])
        assert table.cursor_key == "dlc09998"  # last row: the previous one
        await pilot.pause()
        assert last(app, ResourceTable.RowHighlighted).key == "dlc09998"


async def test_marks(jobs: list[Job]) -> None:
    app = TableApp(jobs)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("space", "j", "space")  # space marks and moves down (k9s)
        assert table.marked_keys == ("dlc00000", "dlc00002") and table.cursor_key == "dlc00003"
        assert line(table, 1).startswith("●") and line(table, 2).startswith(" ")
        assert line(table, 3).startswith("●")
        await pilot.press("k", "space")
        assert table.marked_keys == ("dlc00000",)
        table.apply_diff(removed=["dlc00000"])  # marks follow the rows
        assert table.marked_keys == ()
        await pilot.press("space")
        table.clear_marks()
        await pilot.pause()
        assert table.marked_keys == ()
        assert last(app, ResourceTable.MarksChanged).marked_keys == ()


async def test_flash_highlights_then_reverts(jobs: list[Job]) -> None:
    app = TableApp(jobs, flash_seconds=0.05)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        plain = style_at(table, 3)  # dlc00002, not the cursor row
        table.flash(["dlc00002", "dlc00003", "missing"])
        flashing = style_at(table, 3)
        flash_style = table.get_component_rich_style("resource-table--flash")
        assert flashing.bgcolor == flash_style.bgcolor != plain.bgcolor
        # the flash ends on a real timer: wait for it (generously, a loaded CI machine is slow) rather than
        # for a fixed pause that a busy machine can overrun
        for _ in range(100):
            if style_at(table, 3) == plain:
                break
            await pilot.pause(0.05)
        assert style_at(table, 3) == plain
        assert style_at(table, 4).bgcolor == plain.bgcolor


async def test_markup_looking_values_render_literally() -> None:
    rows = [
        Job("a", "x [/oops]", "Running", "[bold]bob[/bold]", 1),
        Job("b", "tab\there\nnewline", "Failed", "[red]", 2),
    ]
    app = TableApp(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        assert "x [/oops]" in line(table, 1) and "[bold]bob[/bold]" in line(table, 1)
        assert "tab here newline" in line(table, 2) and "[red]" in line(table, 2)


async def test_wide_and_long_values_keep_line_width() -> None:
    rows = [Job("a", "训练任务" * 30, "Running", "ユーザー", 1)]
    app = TableApp(rows)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        strip = table.render_line(1)
        assert strip.cell_length == table.scrollable_content_region.width
        assert "…" in strip.text


async def test_rows_fed_before_mount_keep_the_cursor_in_view(jobs: list[Job]) -> None:
    table = ResourceTable(COLUMNS, key=lambda j: j.id)
    table.set_rows(jobs)
    table.move_cursor_to_key("dlc00500")
    table.flash(["dlc00500"])

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield table

    async with Host().run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        assert table.cursor_key == "dlc00500"
        assert any("train-00500" in text for text in body_lines(table))


async def test_empty_message(jobs: list[Job]) -> None:
    app = TableApp([], empty_message="Loading…")
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(ResourceTable)
        assert table.cursor_key is None and table.cursor_row is None
        assert any(text.strip() == "Loading…" for text in body_lines(table))
        table.set_rows(jobs)
        table.set_filter(parse_filter("status:Unknown", FIELDS))
        table.empty_message = "No jobs match status:Unknown"
        await pilot.pause()
        texts = [text.strip() for text in body_lines(table)]
        assert "No jobs match status:Unknown" in texts
        await pilot.press("down", "enter")  # no rows: keys are harmless
        assert last(app, ResourceTable.RowSelected) is None
        table.set_filter(None)
        assert table.cursor_key is not None


def test_snapshot(snap_compare: Any) -> None:
    rows = make_jobs(40)
    rows[3] = replace(rows[3], name="x [/oops] literal")

    async def run_before(pilot: Any) -> None:
        table = pilot.app.query_one(ResourceTable)
        table.toggle_mark("dlc00001")
        table.sort_by("owner")
        await pilot.press("j", "j")

    app = TableApp(rows, row_style=lambda j: "dim" if j.status == "Failed" else None)
    assert snap_compare(app, terminal_size=(100, 20), run_before=run_before)


def test_row_store_reuses_versions_and_finds_neighbours() -> None:
    jobs = make_jobs(10)
    store = RowStore(lambda j: j.id)
    store.replace(jobs)
    store.rebuild()
    versions = dict(store.versions)
    fresh, removed = store.replace([*(replace(j) for j in jobs[:5]), replace(jobs[5], gpus=99), *jobs[7:]])
    assert fresh == ["dlc00005"] and removed == {"dlc00006"}
    assert all(store.versions[k] == versions[k] for k in store.rows if k != "dlc00005")
    old_view = store.view
    store.set_predicate(lambda j: j.status != "Failed")  # hides dlc00002 (and dlc00006, gone)
    store.rebuild()
    assert store.view[store.nearest(old_view, 2, "dlc00002")] == "dlc00003"
    assert store.view[store.nearest(old_view, 9, "dlc00009")] == "dlc00009"
    store.set_predicate(lambda j: False)
    store.rebuild()
    assert store.nearest(old_view, 3, "dlc00003") == -1


def test_a_narrow_table_squeezes_the_name_column_half_as_hard_as_the_others() -> None:
    from paitui.ui.widgets.table_columns import layout_columns

    columns = [Column("name", "NAME", str, min_width=8, max_width=60, flex=True),
               Column("id", "ID", str, width=18),
               Column("reason", "REASON", str, min_width=6, max_width=40),
               Column("spec", "SPEC", str, min_width=6, max_width=40)]
    natural = [40, 18, 40, 40]
    # a little short: the others give way first, down to half the name's width
    name, _, reason, spec = layout_columns(columns, natural, available=120).widths
    assert name == 40 and reason + spec == 80 - 27 and abs(reason - spec) <= 1
    # shorter still: everyone shrinks, the name at twice the rate it is counted
    layout = layout_columns(columns, natural, available=100)
    name, _, reason, spec = layout.widths
    assert layout.width == 100 and 30 < name < 40
    assert abs(name - 2 * reason) <= 2 and abs(reason - spec) <= 1
    # with room for everything nothing shrinks, and the flex column takes what is left
    roomy = layout_columns(columns, natural, available=200)
    assert roomy.widths[1:] == (18, 40, 40) and roomy.widths[0] > 40


def test_too_narrow_for_every_column_hides_droppable_ones_lowest_drop_first() -> None:
    from paitui.ui.widgets.table_columns import layout_columns, render_titles

    columns = [Column("name", "NAME", str, min_width=10, max_width=40, flex=True),
               Column("id", "ID", str, width=18, drop=2),
               Column("type", "TYPE", str, width=14, drop=1),
               Column("status", "STATUS", str, width=12),
               Column("age", "AGE", str, width=8)]
    natural = [30, 18, 14, 12, 8]
    wide = layout_columns(columns, natural, available=200)
    assert all(wide.shown(i) for i in range(5))
    # 66 cells: shrinking the name is not enough, TYPE goes first, then ID
    layout = layout_columns(columns, natural, available=66)
    assert [layout.shown(i) for i in range(5)] == [True, True, False, True, True]
    assert layout.min_width <= 66 == layout.width
    titles = render_titles(columns, layout, None).plain
    assert "TYPE" not in titles and "ID" in titles and titles.rstrip().endswith("AGE")
    narrow = layout_columns(columns, natural, available=40)
    assert [narrow.shown(i) for i in range(5)] == [True, False, False, True, True]
    assert narrow.column_at(narrow.offsets[3]) == 3 and narrow.offsets[1] == -1
    # no limit (the virtual width before mount): nothing hidden
    assert all(layout_columns(columns, natural, available=0).shown(i) for i in range(5))


@dataclass(frozen=True)
class Polled(Job):
    seconds: int = 0  # a field the wire moves on every read and no column shows (a running job's Duration)


async def test_a_change_no_cell_shows_repaints_no_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: an idle list's poll changes many rows in what no column reads; their lines stay as drawn."""
    rows = [Polled(j.id, j.name, j.status, j.owner, j.gpus) for j in make_jobs(200)]
    app = TableApp(list(rows))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        refreshed: list[Any] = []
        real = table.refresh

        def counting(*regions: Any, **options: Any) -> Any:
            refreshed.extend(regions)
            return real(*regions, **options)

        monkeypatch.setattr(table, "refresh", counting)
        table.apply_diff(changed=[replace(row, seconds=row.seconds + 5) for row in rows])
        await pilot.pause()
        assert refreshed == [] and table.get_row(rows[0].id).seconds == 5  # held, not drawn again
        table.apply_diff(changed=[replace(rows[1], seconds=9, name="renamed")])
        await pilot.pause()
        assert len(refreshed) == 1 and "renamed" in body_lines(table)[1]
