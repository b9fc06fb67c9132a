"""DLC job templates (``ListJobTemplates`` / ``GetJobTemplate``); definitions, without a status."""

from __future__ import annotations

from typing import Any

from paitui.kinds.base import ListContext, ResourceKind, attr


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import TemplateLister

    return TemplateLister(ctx.client, ctx.workspace_id or "")


KIND = ResourceKind(
    key="template", label="Template", noun="job template", plural="templates", product_plural="DLC job templates",
    id=attr("template_id"), name=attr("template_name"), created=attr("gmt_create_time"),
    owner=attr("user_id"), workspace=attr("workspace_id"),
    view="templates", aliases=("tpl", "jobtemplates", "template"), help="DLC job templates",
    title="Job templates", screen="paitui.ui.screens.templates:TemplatesScreen", workspace_scoped=True,
    order=60, lister=_lister,
    filter_fields={
        "name": lambda t: f"{t.template_name or ''} {t.template_id or ''} {t.description or ''}",
        "id": lambda t: t.template_id or "",
        "owner": lambda t: [t.user_id or "", t.modified_by or ""],
    },
    free_text_in_fields=True,
)
