"""What a submit-from-template form edits, as text, and what it sends: the template's fields shown as one
line each, and the user's texts turned back into the merge's overrides (``template_merge``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from paitui.live.create.body_file import parse_value
from paitui.live.create.template_merge import JobTemplateSource, merge_template

NAME, WORKSPACE = "DisplayName", "WorkspaceId"  # the form's own fields, besides the template's


def field_text(value: Any) -> str:
    """A value as a form shows it: text as-is, structures as one line of JSON (which reads back as YAML)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def form_inputs(template: JobTemplateSource, texts: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request body (name and workspace) and the overrides (path → value) from the form's texts keyed by
    path. A field left as the template shows it is no override; a blank one is not given (a required one is
    then refused by the merge); a locked one is never sent as an override."""
    body: dict[str, Any] = {}
    for key in (NAME, WORKSPACE):
        if (texts.get(key) or "").strip():
            body[key] = texts[key].strip()
    overrides: dict[str, Any] = {}
    for field in template.fields():
        text = texts.get(field.path)
        if text is None or not field.editable or not text.strip():
            continue
        if text.strip() == field_text(field.value).strip() and field.constraint != "required":
            continue
        overrides[field.path] = parse_value(text)
    return body, overrides


def preview(template: JobTemplateSource, texts: Mapping[str, str]) -> tuple[dict[str, Any], list[Any]]:
    """The merged body and its constraint refusals, without reading anything (the form's live preview)."""
    body, overrides = form_inputs(template, texts)
    return merge_template(template, body, overrides)
