"""Command line: ``paitui`` (dashboard), ``paitui call``, ``paitui job|run|schedule`` (headless actions,
``paitui.headless``), ``paitui requests`` (``paitui.usage_command``), ``paitui sim serve``."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from paitui import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from paitui.backend import Backend
    from paitui.config import Settings
    from paitui.ui.app import PaiTuiApp


def _endpoint(text: str) -> tuple[str, str]:
    from paitui.api.endpoints import parse_endpoint_override

    try:
        return parse_endpoint_override(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _path(text: str) -> Path:
    from pathlib import Path  # pathlib (and urllib, ipaddress) only when a path flag is given

    return Path(text)


def _number(kind: type, low: float, high: float | None = None, *, open_low: bool = False) -> Any:
    """An argparse type for a bounded number, so `--port 99999` is a usage line, not a bind() traceback."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if value < low or (open_low and value == low) or (high is not None and value > high):
            bound = f"above {low:g}" if open_low else f"from {low:g}" + (f" to {high:g}" if high is not None else " up")
            raise argparse.ArgumentTypeError(f"{text} is out of range (it must be {bound})")
        return value
    return parse


_PORT = _number(int, 0, 65535)


def _global_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Global flags work before or after the subcommand: `paitui --read-only call …` = `paitui call … --read-only`."""
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("global options")
    group.add_argument("--profile", default=default, help="aliyun CLI / credentials.ini profile")
    group.add_argument("--region", default=default, help="region id, e.g. cn-hangzhou")
    group.add_argument("--workspace", default=default, help="workspace id or name to start in")
    group.add_argument("--endpoint", action="append", type=_endpoint, default=default, metavar="PRODUCT=URL",
                       help="override a product endpoint (dlc, flow, workspace, plugin, or *); repeatable")
    group.add_argument("--read-only", action="store_true", default=default, help="refuse every mutating call")
    group.add_argument("--demo", action="store_true", default=default, help="use the built-in simulated cloud")
    group.add_argument("--vpc", action="store_true", default=default, help="use the VPC endpoints")
    group.add_argument("--theme", default=default, help="dashboard theme name")
    group.add_argument("--config", type=_path, default=default, help="config file (default: XDG config dir)")
    group.add_argument("--debug", action="store_true", default=default,
                       help="write a request log (secrets redacted) to the XDG state directory")
    group.add_argument("--max-requests-per-minute", type=_number(float, 0, open_low=True), default=default,
                       metavar="N", help="polling slows down as the request rate nears N (actions never wait)")
    group.add_argument("--daily-request-budget", type=_number(int, 1), default=default, metavar="N",
                       help="polling slows down once N requests were sent today (UTC+8, PAI's billing day)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paitui", description="A terminal dashboard for Alibaba Cloud PAI.")
    parser.add_argument("--version", action="version", version=f"paitui {__version__}")
    _global_flags(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    call = commands.add_parser("call", help="one raw API call, printed as JSON")
    _global_flags(call, suppress=True)
    call.add_argument("product", help="dlc, flow, workspace or plugin")
    call.add_argument("action", help="the API action, e.g. ListJobs")
    call.add_argument("params", nargs="*", metavar="Key=Value", help="parameters by their wire names")
    call.add_argument("--body", help="JSON object merged into the parameters (body fields)")

    from paitui import headless_create
    from paitui.headless_commands import COMMANDS, EXIT_HELP
    from paitui.kinds import kind as resource_kind

    # ``paitui KIND VERB …``: the kind's actions on ids (``paitui.headless``), then its creation verbs, each
    # with arguments of its own (``paitui.headless_create``)
    for kind in (*COMMANDS, *(k for k in headless_create.kinds() if k not in COMMANDS)):
        id_verbs = COMMANDS.get(kind, ())
        create_verbs = headless_create.verbs_of(kind)
        noun = resource_kind(kind).product_plural
        names = "/".join((*id_verbs, *(v.verb for v in create_verbs)))
        headless = commands.add_parser(kind, help=f"{names} {noun} (scriptable)")
        _global_flags(headless, suppress=True)
        verbs = headless.add_subparsers(dest="verb", metavar="VERB", required=True)
        for verb in id_verbs:
            one = verbs.add_parser(verb, help=f"{verb} {noun} by id", epilog=EXIT_HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
            _global_flags(one, suppress=True)
            one.add_argument("ids", nargs="+", metavar="ID")
            one.add_argument("-y", "--yes", action="store_true", help="do not ask (required without a terminal)")
            one.add_argument("--dry-run", action="store_true",
                             help="print each signed request (secrets redacted) and send nothing")
        for create in create_verbs:
            one = verbs.add_parser(create.verb, help=create.help, epilog=create.epilog or headless_create.EXIT_HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
            _global_flags(one, suppress=True)
            headless_create.module(create).add_arguments(one)

    usage = commands.add_parser("requests", help="requests sent per operation today and this month, and their cost")
    _global_flags(usage, suppress=True)
    usage.add_argument("-o", "--output", choices=("table", "json"), default="table")

    web = commands.add_parser("serve", help="the dashboard in a web browser (needs: pip install 'paitui[serve]')")
    _global_flags(web, suppress=True)
    web.add_argument("--host", default="localhost")
    web.add_argument("--port", type=_PORT, default=8000)

    shots = commands.add_parser("screenshots", help="regenerate screenshots/*.svg from the simulated cloud")
    shots.add_argument("--out", type=_path, default="screenshots", help="folder (default: ./screenshots)")

    sim = commands.add_parser("sim", help="the simulated PAI cloud")
    sim_commands = sim.add_subparsers(dest="sim_command", metavar="SIMCOMMAND", required=True)
    serve = sim_commands.add_parser("serve", help="serve the simulated cloud over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_PORT, default=8899)
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--jobs", type=_number(int, 0), default=400)
    serve.add_argument("--speed", type=_number(float, 0, open_low=True), default=1.0,
                       help="simulated seconds per real second")
    serve.add_argument("--faults", help="e.g. throttle=0.1,error5xx=0.05,latency=0.2-2s,malformed=0.02,drop=0.01")
    serve.add_argument("--qps", type=float, default=100.0,
                       help="requests per second per AccessKey / bearer token, beyond it 429 Throttling.User "
                            "(0: unlimited; default 100, the seeds' limit)")
    return parser


def settings_from_args(args: argparse.Namespace) -> Any:
    from paitui.config import validate

    return validate(layers_from_args(args))


def layers_from_args(args: argparse.Namespace) -> Any:
    """The settings' layers as given (file, environment, these flags), not validated yet."""
    from paitui.config_layers import read_layers

    flags: dict[str, Any] = {
        "profile": getattr(args, "profile", None),
        "region": getattr(args, "region", None),
        "workspace": getattr(args, "workspace", None),
        "theme": getattr(args, "theme", None),
        "read_only": True if getattr(args, "read_only", None) else None,
        "demo": True if getattr(args, "demo", None) else None,
        "vpc": True if getattr(args, "vpc", None) else None,
        "debug": True if getattr(args, "debug", None) else None,
        "max_requests_per_minute": getattr(args, "max_requests_per_minute", None),
        "daily_request_budget": getattr(args, "daily_request_budget", None),
    }
    if getattr(args, "endpoint", None):
        flags["endpoints"] = dict(args.endpoint)
    return read_layers(flags, path=getattr(args, "config", None))


def _parse_value(text: str) -> Any:
    """``Key=[...]`` or ``Key={...}`` is JSON (JobSpecs); everything else stays a string."""
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _call_params(pairs: Sequence[str], body: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"parameters are Key=Value, not {pair!r}")
        params[key] = _parse_value(value)
    if body:
        try:
            extra = json.loads(body)
        except ValueError as exc:
            raise ValueError(f"--body is not valid JSON: {exc}") from None
        if not isinstance(extra, dict):
            raise ValueError("--body must be a JSON object")
        params.update(extra)
    return params


def _usage_error(message: str) -> int:
    print(json.dumps({"Error": "usage", "Message": message}, ensure_ascii=False), file=sys.stderr)
    return 2


async def _run_call(args: argparse.Namespace) -> int:
    import difflib

    from paitui.api.errors import CredentialsError, PaiError, UsageError
    from paitui.api.operations import actions, operation, products
    from paitui.backend import open_backend
    from paitui.config import ConfigError

    known = products()  # from the operations table, so a product cannot be listed here and missing there
    if args.product not in known:
        close = difflib.get_close_matches(args.product, known, n=2, cutoff=0.3)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        return _usage_error(f"unknown product {args.product!r}; products: {', '.join(known)}.{hint}")
    try:
        op = operation(args.product, args.action)
    except KeyError:
        close = difflib.get_close_matches(args.action, actions(args.product), n=3, cutoff=0.4)
        hint = f" Closest: {', '.join(close)}." if close else ""
        return _usage_error(f"{args.product} has no action {args.action!r}.{hint}")
    try:
        params = _call_params(args.params, args.body)
        settings = settings_from_args(args)
        # one call: the demo's simulator in this process (a child's start would cost more than the call)
        backend = open_backend(settings, simulator="in-process").persist_usage()
    except (ValueError, ConfigError) as exc:
        return _usage_error(str(exc))
    except PaiError as exc:  # credentials that cannot be used: a setup problem, like a bad config (exit 2)
        print(json.dumps(exc.to_dict(), ensure_ascii=False), file=sys.stderr)
        return 2
    try:
        body = await backend.client.invoke_json(op, params)
    except UsageError as exc:
        return _usage_error(str(exc))
    except CredentialsError as exc:  # e.g. an External profile's command failed when first asked for keys
        print(json.dumps(exc.to_dict(), ensure_ascii=False), file=sys.stderr)
        return 2
    except PaiError as exc:
        print(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 3 if exc.kind == "outcome_unknown" else 1  # as the headless actions: 3 = sent, answer lost
    finally:
        await backend.aclose()
    return _print_body(body)


def _print_body(body: Any) -> int:
    """The answer on stdout; a reader that left early (`| head`) ends the output, not with a traceback."""
    try:
        print(json.dumps(body, ensure_ascii=False, indent=2), flush=True)
    except BrokenPipeError:
        # the interpreter flushes stdout again at exit: point it at /dev/null so that flush is quiet too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a writer stopped by SIGPIPE
    return 0


def _run_sim_serve(args: argparse.Namespace) -> int:
    from paitui.sim.faults import FaultPlan
    from paitui.sim.serve import serve

    try:
        faults = FaultPlan.parse(args.faults) if args.faults else None
    except ValueError as exc:
        return _usage_error(str(exc))
    if args.qps < 0:
        return _usage_error(f"--qps must be 0 (unlimited) or a positive rate, not {args.qps:g}.")
    serve(host=args.host, port=args.port, seed=args.seed, jobs=args.jobs, speed=args.speed, faults=faults,
          qps=args.qps)
    return 0


def _run_dashboard(args: argparse.Namespace) -> int:
    from paitui.live.gc_pacing import freeze_startup, pause_for_startup
    from paitui.ui import first_frame

    pause_for_startup()  # no collections over what the start imports and builds
    try:
        app = _dashboard_app(args)
    finally:
        freeze_startup()  # the start's heap out of the collector's sight, collection on again (also on refusal)
    if app is None:
        return 2
    if leave := os.environ.get(first_frame.ENV):  # tests: leave once the first screen (or rows) is painted
        app.run(auto_pilot=first_frame.auto_pilot(leave))
    else:
        app.run()
    if app.start_problem:  # found after the first frame (``DeferredStart``): one line, on the restored terminal
        print(app.start_problem, file=sys.stderr)
    # non-zero after a crash (1: the one line naming the traceback file is printed) or a signal (143, 129)
    return app.return_code or 0


def _dashboard_app(args: argparse.Namespace) -> PaiTuiApp | None:
    """The app, built but not running (no screen exists yet); None when the start is refused (said why).

    A config file that cannot be read or parsed is refused here, before the terminal is taken; validating
    the settings and opening the backend (pydantic, httpx, the client, the simulator) wait for the first
    frame (``DeferredStart``), and a problem they find ends the dashboard with the same one line."""
    from paitui.config_layers import ConfigError
    from paitui.terminal import prepare_dashboard
    from paitui.ui.app import DeferredStart, PaiTuiApp

    if problem := prepare_dashboard(os.environ):
        print(f"paitui: {problem}", file=sys.stderr)
        return None
    try:
        layers = layers_from_args(args)
    except ConfigError as exc:
        print(f"paitui: {exc}", file=sys.stderr)
        return None

    def open_dashboard() -> tuple[Settings, Backend] | str:
        from paitui.api.errors import PaiError
        from paitui.backend import open_backend
        from paitui.config import validate

        try:
            settings = validate(layers)
            return settings, open_backend(settings).persist_usage()
        except (ConfigError, PaiError) as exc:
            return f"paitui: {exc}"

    return PaiTuiApp(deferred=DeferredStart(
        open_dashboard, theme=layers.text("theme"), workspace=layers.profile_text("workspace"),
        profile=layers.profile(), demo=layers.flag("demo"), read_only=layers.profile_flag("read_only")))


def _dashboard_argv(argv: Sequence[str]) -> list[str]:
    """The global flags of this invocation, for the dashboard a browser session starts (serve's own dropped)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "serve":
            continue
        elif arg in ("--host", "--port"):
            skip = True
        elif not arg.startswith(("--host=", "--port=")):
            out.append(arg)
    return out


def _run_web(args: argparse.Namespace, argv: Sequence[str]) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        print("paitui serve needs textual-serve: pip install 'paitui[serve]'", file=sys.stderr)
        return 2
    import shlex

    # each browser session runs its own dashboard process with the same global flags
    command = shlex.join([sys.executable, "-m", "paitui", *_dashboard_argv(argv)])
    Server(command, host=args.host, port=args.port, title="paitui").serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    collecting = gc.isenabled()
    gc.disable()  # what the parser builds (the kinds, argparse's actions) lives to the end: no passes over it
    try:
        args = build_parser().parse_args(argv)
    finally:
        if collecting:
            gc.enable()
    try:
        if args.command == "call":
            import asyncio  # in the branches that run a loop: ``--help`` and the parser never load it

            return asyncio.run(_run_call(args))
        if args.command == "sim":
            return _run_sim_serve(args)
        if args.command == "serve":
            return _run_web(args, argv if argv is not None else sys.argv[1:])
        if args.command == "requests":
            from paitui.usage_command import main as usage_main

            return usage_main(args)
        if args.command == "screenshots":
            from paitui.screenshots import run

            for path in run(args.out):
                print(path)
            return 0
        if getattr(args, "verb", None) is not None:  # ``paitui KIND VERB …``
            import asyncio

            from paitui import headless_create

            create = headless_create.find(args.command, args.verb)
            if create is not None:
                return asyncio.run(headless_create.module(create).run(args))
            from paitui.headless import main as headless_main

            return asyncio.run(headless_main(args))
        return _run_dashboard(args)
    except KeyboardInterrupt:
        return 130
