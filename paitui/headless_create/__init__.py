"""Headless verbs with arguments of their own — creation (``paitui job submit``, ``paitui run create``,
``paitui template version`` …) and explanation (``paitui job why``, ``paitui job diff``): which exist, and the
module that carries each.

They take files and options rather than a list of ids, so each verb declares its own arguments. A verb's module must
stay light to import (argparse and the standard library only at module level), because ``paitui --help``
builds every parser: it defines ``add_arguments(parser)`` and ``async def run(args) -> int``, which imports
the client, models and rules when it runs. Exit statuses: ``EXIT_HELP``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol, cast


@dataclass(frozen=True)
class CreateVerb:
    kind: str  # the kind's key ("job", "run", "tensorboard", "template")
    verb: str
    module: str  # imported for the parser (light) and run
    help: str
    epilog: str | None = None  # the exit statuses, when not a creation's (EXIT_HELP)


READ_EXIT_HELP = """exit status:
  0    answered
  1    the service refused a read (Code, Message and RequestId printed), or there is nothing to answer with
  2    bad input"""

# every such verb, in the order ``--help`` lists them
VERBS: tuple[CreateVerb, ...] = (
    CreateVerb("job", "submit", "paitui.headless_create.job_submit",
               "submit a DLC job from a YAML/JSON file of CreateJob's body, optionally from a template"),
    CreateVerb("job", "why", "paitui.headless_create.job_why",
               "why a DLC job waits or failed: quota, queue, culprit pod, error signature", READ_EXIT_HELP),
    CreateVerb("job", "diff", "paitui.headless_create.job_diff",
               "a DLC job's spec against its last good run (or --against JOB_ID)", READ_EXIT_HELP),
    CreateVerb("run", "create", "paitui.headless_create.run_create",
               "start a run of a pipeline with arguments for its input parameters"),
    CreateVerb("pipeline", "create", "paitui.headless_create.pipeline_create", "create a pipeline from a manifest"),
    CreateVerb("pipeline", "update", "paitui.headless_create.pipeline_update",
               "replace a pipeline's manifest (refused while it has unfinished runs)"),
    CreateVerb("template", "create", "paitui.headless_create.template_create",
               "save a DLC job as a job template, choosing the locked/overridable/required fields"),
    CreateVerb("template", "version", "paitui.headless_create.template_version",
               "add a version to a job template from a Content file"),
    CreateVerb("template", "set-default", "paitui.headless_create.template_set_default",
               "make one of a job template's versions the default"),
    CreateVerb("tensorboard", "create", "paitui.headless_create.tensorboard_create",
               "open a TensorBoard for a DLC job or a dataset"),
)

EXIT_HELP = """exit status:
  0    created (or, with --dry-run, the request printed and nothing sent)
  1    the service refused it (Code, Message and RequestId printed) or the prompt was declined
  2    refused before anything was sent: a rule (named), bad input, no terminal without --yes, read-only
  3    sent, the answer was lost and reading back did not settle whether it was created (look before retrying)
  130  ctrl+c, 143 SIGTERM"""


class _VerbModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    run: Callable[[Any], Coroutine[Any, Any, int]]


def verbs_of(kind: str) -> tuple[CreateVerb, ...]:
    return tuple(v for v in VERBS if v.kind == kind)


def kinds() -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.kind for v in VERBS))


def find(kind: str, verb: str) -> CreateVerb | None:
    return next((v for v in VERBS if v.kind == kind and v.verb == verb), None)


def module(verb: CreateVerb) -> _VerbModule:
    return cast(_VerbModule, importlib.import_module(verb.module))
