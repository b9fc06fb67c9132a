"""Injected failures for the simulated cloud: throttling, 5xx, latency, malformed bodies, dropped connections.

Grammar (whitespace ignored)::

    spec     := group { ";" group }
    group    := [ scope ":" ] setting { "," setting }
    scope    := "*" | Action { "|" Action }          (no scope = "*", every action)
    setting  := ("throttle" | "error5xx" | "malformed" | "drop" | "lost") "=" prob
              | "latency" "=" duration [ "-" duration ] [ "@" prob ]
              | "retry-after" "=" duration            (the wait a throttled answer asks for; default 1s)
    prob     := a number in [0, 1], or a percentage such as "5%"
    duration := number [ "ms" | "s" ]                 (a unitless bound takes the other bound's unit, else s)

Example: ``throttle=0.1,error5xx=0.05,latency=0.2-2s;ListJobs|GetJob:throttle=0.5,drop=0``. A scoped group
overrides the ``*`` settings key by key for its actions (later groups win). For one request the outcomes
drop, throttle, error5xx, malformed and lost are exclusive (one uniform draw, so their probabilities must add
up to at most 1); latency is drawn independently and delays whatever the outcome is.

What each fault does (applied by the app after authentication; all but malformed and lost before the handler):

* throttle → HTTP 429, Code ``Throttling.User``, "Request was denied due to user flow control.", headers
  ``x-acs-retry-after: <ms>`` and ``Retry-After: <s>`` (the SDK turns that into ``ThrottlingException``);
* error5xx → HTTP 500 ``InternalError`` or 503 ``ServiceUnavailable`` (even odds);
* latency → ``await sleep(seconds)`` with the plan's injectable ``sleep``;
* malformed → the handler runs, then the JSON body is truncated (HTTP 200, body not JSON);
* drop → ``ConnectionDropped`` is raised before the handler runs (nothing happens): an in-process transport
  turns it into a transport error; under uvicorn (``serve.py``) the connection is aborted without any HTTP
  response;
* lost → the handler runs (a mutation is applied), then ``ConnectionDropped`` is raised the same way: the
  client sent a request that took effect but never hears so — the "answer was lost" case.

The RNG is seeded (``seed=`` or, by ``create_app``, from the world seed) so a run is reproducible.
Counters: ``plan.counts`` (``requests`` plus one key per injected fault) and ``plan.by_action``.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Sleep = Callable[[float], Awaitable[None]]
Outcome = Literal["drop", "throttle", "error5xx", "malformed", "lost"]
OUTCOMES: tuple[Outcome, ...] = ("drop", "throttle", "error5xx", "malformed", "lost")
_ACTION = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)(ms|s)?$")

THROTTLE_CODE = "Throttling.User"
THROTTLE_MESSAGE = "Request was denied due to user flow control."
INTERNAL_ERROR_MESSAGE = "The request processing has failed due to some unknown error, exception or failure."
UNAVAILABLE_MESSAGE = "The request has failed due to a temporary failure of the server."


class FaultSpecError(ValueError):
    """A fault specification that does not follow the grammar (message says where)."""


class ConnectionDropped(Exception):
    """Raised by the app to make the connection vanish without an HTTP response."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Settings for one scope; ``None`` = not set here (inherit from ``*``)."""

    drop: float | None = None
    throttle: float | None = None
    error5xx: float | None = None
    malformed: float | None = None
    lost: float | None = None
    latency: tuple[float, float] | None = None  # (min, max) seconds
    latency_p: float | None = None
    retry_after: float | None = None  # seconds

    def over(self, base: Rule) -> Rule:
        """This rule's set values on top of ``base``."""
        values = {name: getattr(self, name) for name in self.__slots__ if getattr(self, name) is not None}
        return replace(base, **values)


_DEFAULT = Rule(0.0, 0.0, 0.0, 0.0, 0.0, None, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome | None = None
    delay: float = 0.0
    status: int = 0  # for error5xx: 500 or 503
    retry_after_ms: int = 0  # for throttle


@dataclass
class FaultPlan:
    base: Rule = field(default_factory=Rule)
    scoped: dict[str, Rule] = field(default_factory=dict)
    seed: int | None = None
    sleep: Sleep = asyncio.sleep
    counts: Counter[str] = field(default_factory=Counter)
    by_action: Counter[tuple[str, str]] = field(default_factory=Counter)
    _rng: random.Random | None = None
    _cache: dict[str, Rule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._rng = random.Random(self.seed)
        for action in [None, *self.scoped]:
            self._validate(self.rule_for(action or "*"), action or "*")

    # --- construction ---

    @classmethod
    def parse(cls, spec: str, *, seed: int | None = None, sleep: Sleep | None = None) -> FaultPlan:
        base = Rule()
        scoped: dict[str, Rule] = {}
        for raw_group in spec.split(";"):
            group = "".join(raw_group.split())
            if not group:
                continue
            scope, settings = "*", group
            head, sep, tail = group.partition(":")
            if sep and "=" not in head:
                scope, settings = head, tail
            rule = _parse_settings(settings, group)
            if scope == "*":
                base = rule.over(base)
                continue
            for action in scope.split("|"):
                if not _ACTION.match(action):
                    raise FaultSpecError(f"{action!r} is not an action name (in {group!r})")
                scoped[action] = rule.over(scoped.get(action, Rule()))
        plan = cls(base=base, scoped=scoped, seed=seed)
        if sleep is not None:
            plan.sleep = sleep
        return plan

    @staticmethod
    def _validate(rule: Rule, scope: str) -> None:
        total = sum(getattr(rule, name) or 0.0 for name in OUTCOMES)
        if total > 1.0 + 1e-9:
            raise FaultSpecError(f"for {scope} drop+throttle+error5xx+malformed+lost add up to {total:g} (> 1)")

    def reseed(self, seed: int | random.Random) -> None:
        self._rng = seed if isinstance(seed, random.Random) else random.Random(seed)

    @property
    def seeded(self) -> bool:
        return self._rng is not None

    @property
    def active(self) -> bool:
        return any(_has_faults(r) for r in [self.base, *self.scoped.values()])

    def rule_for(self, action: str) -> Rule:
        rule = self._cache.get(action)
        if rule is None:
            rule = self.base.over(_DEFAULT)
            scoped = self.scoped.get(action)
            if scoped is not None:
                rule = scoped.over(rule)
            self._cache[action] = rule
        return rule

    # --- per request ---

    def decide(self, action: str) -> Decision:
        """Draw this request's fault (counted); one uniform draw for the exclusive outcomes."""
        if self._rng is None:
            self._rng = random.Random(0)
        rng = self._rng
        rule = self.rule_for(action)
        self.counts["requests"] += 1
        delay = 0.0
        if rule.latency is not None and rng.random() < (rule.latency_p or 0.0):
            low, high = rule.latency
            delay = low if high <= low else rng.uniform(low, high)
            self._count("latency", action)
        draw = rng.random()
        acc = 0.0
        for name in OUTCOMES:
            acc += getattr(rule, name) or 0.0
            if draw < acc:
                self._count(name, action)
                if name == "error5xx":
                    return Decision(name, delay, status=rng.choice((500, 503)))
                if name == "throttle":
                    return Decision(name, delay, retry_after_ms=round((rule.retry_after or 1.0) * 1000))
                return Decision(name, delay)
        return Decision(None, delay)

    def _count(self, name: str, action: str) -> None:
        self.counts[name] += 1
        self.by_action[(action, name)] += 1

    def describe(self) -> str:
        parts = [_describe(self.base)] + [f"{a}:{_describe(r)}" for a, r in self.scoped.items()]
        return ";".join(p for p in parts if p and not p.endswith(":")) or "none"


def _has_faults(rule: Rule) -> bool:
    return bool(rule.latency) or any(getattr(rule, name) for name in OUTCOMES)


def _describe(rule: Rule) -> str:
    out = [f"{name}={getattr(rule, name):g}" for name in OUTCOMES if getattr(rule, name)]
    if rule.latency:
        out.append(f"latency={rule.latency[0]:g}-{rule.latency[1]:g}s")
    return ",".join(out)


def _parse_prob(text: str, where: str) -> float:
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} is not a probability (in {where!r})") from None
    if not 0.0 <= value <= 1.0:
        raise FaultSpecError(f"probability {text!r} is outside [0, 1] (in {where!r})")
    return value


def _parse_duration(text: str, default_unit: str | None, where: str) -> tuple[float, str | None]:
    match = _DURATION.match(text)
    if not match:
        raise FaultSpecError(f"{text!r} is not a duration such as 200ms or 1.5s (in {where!r})")
    unit = match.group(2) or default_unit
    value = float(match.group(1))
    return (value / 1000 if unit == "ms" else value), match.group(2)


def _parse_latency(text: str, where: str) -> tuple[tuple[float, float], float]:
    span, _, prob = text.partition("@")
    low_text, sep, high_text = span.partition("-")
    if sep:
        high_unit = _DURATION.match(high_text)
        unit = high_unit.group(2) if high_unit else None
        high, _ = _parse_duration(high_text, None, where)
        low, _ = _parse_duration(low_text, unit, where)
    else:
        low, _ = _parse_duration(low_text, None, where)
        high = low
    if high < low:
        raise FaultSpecError(f"latency range {span!r} has its upper bound below the lower (in {where!r})")
    return (low, high), (_parse_prob(prob, where) if prob else 1.0)


def _parse_settings(settings: str, where: str) -> Rule:
    values: dict[str, Any] = {}  # Rule's fields by name, each parsed to its type below
    for item in settings.split(","):
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise FaultSpecError(f"{item!r} is not name=value (in {where!r})")
        if name in OUTCOMES:
            values[name] = _parse_prob(value, where)
        elif name == "latency":
            values["latency"], values["latency_p"] = _parse_latency(value, where)
        elif name in ("retry-after", "retry_after"):
            values["retry_after"] = _parse_duration(value, None, where)[0]
        else:
            known = ", ".join([*OUTCOMES, "latency", "retry-after"])
            raise FaultSpecError(f"unknown fault {name!r} (known: {known})")
    return Rule(**values)


def coerce(faults: FaultPlan | str | None) -> FaultPlan | None:
    """Accept a plan, a spec string (``""``/``"none"`` = no faults) or ``None``."""
    if faults is None or isinstance(faults, FaultPlan):
        return faults
    return None if faults.strip().lower() in ("", "none", "off") else FaultPlan.parse(faults)
