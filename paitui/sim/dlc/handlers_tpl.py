"""pai-dlc job template handlers (List/Get/Create/Update/Delete/SetJobTemplateDefaultVersion).

GetJobTemplate ``Version``: a number, ``all``, or omitted for the default version. ListJobTemplates needs
``WorkspaceId``; SortBy GmtCreateTime (default) | GmtModifyTime | TemplateName; PageSize default 10.
"""

from __future__ import annotations

from typing import Any

from paitui.sim.dlc.common import ctx
from paitui.sim.dlc.templates import (
    JobTemplate,
    TemplateVersion,
    check_constraints,
    check_name,
    parse_content,
    summary_wire,
    version_wire,
)
from paitui.sim.dlc.wire import ts
from paitui.sim.errors import SimError, invalid_param, missing_param
from paitui.sim.routing import Call, Routes

routes = Routes("dlc")  # the operations this module serves (listed in app.ROUTE_TABLES)


@routes.route("ListJobTemplates", "GET", "/api/v1/jobtemplates")
def list_templates(call: Call) -> dict[str, Any]:
    dlc, _ = ctx(call)
    ws = call.str("WorkspaceId", required=True)
    page = call.int("PageNumber", 1, minimum=1) or 1
    size = call.int("PageSize", 10, minimum=1, maximum=100) or 10
    sort_by = call.str("SortBy", "GmtCreateTime",
                       choices=("GmtCreateTime", "GmtModifyTime", "TemplateName")) or "GmtCreateTime"
    order = (call.str("Order", "desc") or "desc").lower()
    if order not in ("asc", "desc"):
        raise invalid_param("Order", f"{order!r} is not one of desc, asc")
    name = (call.str("TemplateName") or "").lower()
    desc = (call.str("Description") or "").lower()
    tpl_id = call.str("TemplateId")
    user_id = call.str("UserId")
    selected = [t for t in dlc.templates.items.values()
                if t.workspace_id == ws and name in t.name.lower() and desc in t.description.lower()
                and (tpl_id is None or t.template_id == tpl_id) and (user_id is None or t.user_id == user_id)]
    keyf: Any = {"GmtCreateTime": lambda t: t.created, "GmtModifyTime": lambda t: t.modified,
                 "TemplateName": lambda t: t.name}[sort_by]
    selected.sort(key=keyf, reverse=order == "desc")
    first = (page - 1) * size
    return {"JobTemplates": [summary_wire(t) for t in selected[first:first + size]], "TotalCount": len(selected),
            "PageNumber": page, "PageSize": size, "RequestId": call.request_id}


@routes.route("GetJobTemplate", "GET", "/api/v1/jobtemplates/{TemplateId}")
def get_template(call: Call) -> dict[str, Any]:
    dlc, _ = ctx(call)
    tpl = dlc.templates.get(call.path_params["TemplateId"])
    raw = call.str("Version")
    if raw is None:
        versions = [tpl.version(tpl.default_version)]
    elif raw.lower() == "all":
        versions = list(tpl.versions)
    else:
        try:
            number = int(raw)
        except ValueError:
            raise invalid_param("Version", f"{raw!r} is neither a version number nor 'all'") from None
        versions = [tpl.version(number)]
    body = summary_wire(tpl)
    body.update({"Versions": [version_wire(v) for v in versions], "TotalCount": len(tpl.versions),
                 "RequestId": call.request_id})
    return body


@routes.route("CreateJobTemplate", "POST", "/api/v1/jobtemplates")
def create_template(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    body = call.body_dict()
    name = check_name(body.get("TemplateName"))
    ws = call.str("WorkspaceId", where="body", required=True)
    if dlc.world.workspace_ref(str(ws)) is None:
        raise invalid_param("WorkspaceId", f"workspace {ws} does not exist")
    if body.get("Content") in (None, ""):
        if body.get("Constraints") is not None:  # the seed: Constraints "submitted without Content"
            raise SimError(400, "InvalidParameter.Constraints",
                           "Constraints must be submitted together with Content.")
        raise missing_param("Content")
    content = parse_content(body["Content"])
    constraints = check_constraints(body["Constraints"]) if body.get("Constraints") is not None else {}
    metadata = raw if isinstance(raw := body.get("Metadata"), dict) else {}
    user = call.caller.user_id
    tpl = JobTemplate(dlc.templates.new_id(dlc.templates.create_rng), name, str(ws), user,
                      str(body.get("Description") or ""), dict(metadata), now, now, user, 1,
                      [TemplateVersion(1, content, constraints, user, now)])
    dlc.templates.items[tpl.template_id] = tpl
    out = summary_wire(tpl)
    out.update({"Version": 1, "RequestId": call.request_id})
    return out


@routes.route("UpdateJobTemplate", "PUT", "/api/v1/jobtemplates/{TemplateId}")
def update_template(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tpl = dlc.templates.get(call.path_params["TemplateId"])
    body = call.body_dict()
    has_content, has_constraints = body.get("Content") is not None, body.get("Constraints") is not None
    if has_content != has_constraints:
        raise SimError(400, "InvalidParameter.Constraints",
                       "Content and Constraints must be submitted together (or both omitted).")
    if body.get("TemplateName") is not None:
        tpl.name = check_name(body["TemplateName"])
    if body.get("Description") is not None:
        tpl.description = str(body["Description"])
    if isinstance(body.get("Metadata"), dict):
        tpl.metadata = dict(body["Metadata"])
    created = False
    version = tpl.default_version
    if has_content:
        content = parse_content(body["Content"])
        constraints = check_constraints(body["Constraints"])
        latest = max(tpl.versions, key=lambda v: v.version)
        if content != latest.content:  # a new version only when the content changes
            version = latest.version + 1
            tpl.versions.append(TemplateVersion(version, content, constraints, call.caller.user_id, now))
            created = True
        else:
            latest.constraints = constraints
            version = latest.version
    if call.bool("SetAsDefault", False, where="body"):
        tpl.default_version = version
    tpl.modified, tpl.modified_by = now, call.caller.user_id
    return {"DefaultVersion": tpl.default_version, "Version": version, "VersionCreated": created,
            "GmtModifyTime": ts(now), "RequestId": call.request_id}


@routes.route("DeleteJobTemplate", "DELETE", "/api/v1/jobtemplates/{TemplateId}")
def delete_template(call: Call) -> dict[str, Any]:
    dlc, _ = ctx(call)
    tpl = dlc.templates.get(call.path_params["TemplateId"])
    del dlc.templates.items[tpl.template_id]
    return {"TemplateId": tpl.template_id, "RequestId": call.request_id}


@routes.route("SetJobTemplateDefaultVersion", "PUT", "/api/v1/jobtemplates/{TemplateId}/defaultversion")
def set_default_version(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tpl = dlc.templates.get(call.path_params["TemplateId"])
    number = call.int("Version", where="body", required=True, minimum=1)
    assert number is not None
    tpl.version(number)  # NotFound.JobTemplateVersion
    tpl.default_version = number
    tpl.modified, tpl.modified_by = now, call.caller.user_id
    return {"DefaultVersion": number, "GmtModifyTime": ts(now), "RequestId": call.request_id}
