"""DLC job templates of the current workspace; enter shows every version with its content as YAML, ``n``
submits a new job from the selected template (``ui.behaviours.submit``: a form of its fields, locked ones
read-only, the merged CreateJob body previewed; then the new job's detail opens); ``v`` adds a version, ``D``
sets the default one, ``c`` compares two (``ui.behaviours.creating``).

The versions come from GetJobTemplate with ``Version=all``; they are listed newest first, the default marked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work
from textual.binding import Binding

from paitui.api.models.common import Unreadable
from paitui.api.models.dlc import GetJobTemplateResponse, JobTemplate
from paitui.ui.behaviours.creating import CreateFlows
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.widgets.resource_table import Column
from paitui.ui.widgets.text_modal import TextModal


def versions_yaml(template: GetJobTemplateResponse) -> str:
    """Every version as one YAML document: Version, Default, CreatedBy, GmtCreateTime, Constraints, Content."""
    import yaml  # why lazily: only this modal needs it, and startup time matters

    versions = sorted(template.versions or (), key=lambda v: v.version or 0, reverse=True)
    doc = []
    for version in versions:
        content = version.content_value()
        entry = {
            "Version": version.version,
            "Default": version.version == template.default_version,
            "CreatedBy": version.created_by,
            "GmtCreateTime": version.gmt_create_time.isoformat() if version.gmt_create_time else None,
            "Constraints": version.constraints or {},
            "Content": content.raw if isinstance(content, Unreadable) else content,
        }
        if isinstance(content, Unreadable):
            entry["ContentUnreadable"] = content.why  # shown as sent, and said so
        doc.append(entry)
    head = f"# {len(doc)} version(s), newest first; default version: {template.default_version}\n"
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)


class TemplatesScreen(CreateFlows, ResourceListScreen):
    RESOURCE = "template"
    TICKING = True  # ages
    BINDINGS = [
        Binding("n", "new_job", "New job", id="template-new-job"),
        Binding("v", "new_version", "Version", id="template-version"),
        Binding("D", "set_default", "Default", key_display="D", id="template-default"),
        Binding("c", "compare", "Compare", id="template-diff"),
    ]

    def _selected(self) -> str | None:
        row = self.table.cursor_row
        if row is None or not row.template_id:
            self.notify("no template selected", markup=False, timeout=2)
            return None
        return str(row.template_id)

    def action_new_version(self) -> None:
        if (template_id := self._selected()) is not None:
            self.start_template_version(template_id)

    def action_set_default(self) -> None:
        if (template_id := self._selected()) is not None:
            self.start_template_default(template_id)

    def action_compare(self) -> None:
        if (template_id := self._selected()) is not None:
            self.start_template_diff(template_id)

    def crumbs(self) -> list[str]:
        return [self.pai.workspace_label or "workspace", "job templates"]

    def columns(self) -> list[Column]:
        return [
            Column("name", "NAME", lambda t: t.template_name or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda t: t.template_id or "", width=19, drop=3),
            Column("default", "DEFAULT", lambda t: f"v{t.default_version}" if t.default_version is not None else "—",
                   width=9, align="right", sort_key=lambda t: t.default_version or 0),
            Column("modified_by", "MODIFIED BY", lambda t: t.modified_by or "", min_width=11, max_width=20, drop=2),
            replace(self.age_column("last_used", "LAST USED", lambda t: t.last_used_time), drop=4),
            self.age_column("modified", "MODIFIED", lambda t: t.gmt_modify_time, width=10),
            Column("description", "DESCRIPTION", lambda t: t.description or "", min_width=11, max_width=36, drop=1),
        ]

    def open_row(self, row: Any) -> None:
        template: JobTemplate = row
        client = self.pai.client

        async def versions() -> str:
            return versions_yaml(await client.dlc.get_job_template(template.template_id or "", version="all"))

        self.app.push_screen(TextModal(f"{self.row_name(template)} · versions", loader=versions, lexer="yaml"))

    def action_new_job(self) -> None:
        if (template_id := self._selected()) is not None:
            self._new_job(template_id)

    @work(group="template-submit", exit_on_error=False)
    async def _new_job(self, template_id: str) -> None:
        from paitui.ui.behaviours.submit import submit_from_template

        await submit_from_template(self.pai, template_id)
