"""The ``:`` command language (k9s-style): names, aliases, arguments, completion and closest matches."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass

from paitui.kinds import viewed


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    help: str
    arg: str | None = None  # the argument's name when the command takes one
    arg_required: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# one command per kind with a view (its words and help are the kind's, ``paitui.kinds``), then the app's own
COMMANDS: tuple[Command, ...] = (
    *(Command(k.view, k.aliases, k.help, k.arg) for k in viewed() if k.view),
    Command("region", ("rg",), "switch region", "NAME", arg_required=True),
    Command("help", ("h", "?"), "keys of the current screen"),
    Command("quit", ("q", "q!", "exit"), "leave paitui"),
)
_BY_WORD = {word: command for command in COMMANDS for word in command.words}


class CommandError(ValueError):
    """An unknown command or a missing argument; the message names the closest commands."""


def parse(text: str) -> tuple[Command, str | None]:
    stripped = text.strip().lstrip(":").strip()
    if not stripped:
        raise CommandError("type a command, e.g. :jobs (tab completes)")
    word, _, rest = stripped.partition(" ")
    command = _BY_WORD.get(word.lower())
    if command is None:
        close = closest(word)
        hint = f"; did you mean {', '.join(':' + c for c in close)}?" if close else ""
        raise CommandError(f"unknown command :{word}{hint}")
    arg = rest.strip() or None
    if arg is not None and command.arg is None:
        raise CommandError(f":{command.name} takes no argument")
    if arg is None and command.arg_required:
        raise CommandError(f":{command.name} needs {command.arg}, e.g. :{command.name} cn-shanghai")
    return command, arg


def closest(word: str, n: int = 3) -> list[str]:
    words = list(_BY_WORD)
    prefixed = [w for w in words if w.startswith(word.lower())]
    found = prefixed or difflib.get_close_matches(word.lower(), words, n=n, cutoff=0.5)
    names: list[str] = []
    for w in found:
        name = _BY_WORD[w].name
        if name not in names:
            names.append(name)
    return names[:n]


def complete(prefix: str) -> str | None:
    """The completion for what has been typed so far, or None. A word that is already a command (``:pipeline``,
    an alias) completes to that command's name; a prefix of one command's words to the first of them;
    a prefix shared by several commands (``:t``) only as far as their words agree."""
    typed = prefix.lstrip(":").lower()
    if not typed or " " in typed:
        return None
    exact = _BY_WORD.get(typed)
    if exact is not None:
        return exact.name if exact.name != typed else None
    matches: dict[str, str] = {}  # command name -> its first word starting with what was typed
    for command in COMMANDS:
        word = next((w for w in command.words if w.startswith(typed)), None)
        if word is not None:
            matches[command.name] = word
    if len(matches) == 1:
        return next(iter(matches.values()))
    common = os.path.commonprefix(list(matches.values()))  # noqa: RUF071 — words, compared by character
    return common if len(common) > len(typed) else None


def closest_names(wanted: str, names: list[str], n: int = 3) -> list[str]:
    """For a ``:ws NAME`` that matched nothing: names containing what was typed first (``recsys`` →
    ``recsys_prod``), then the closest spellings."""
    low = wanted.lower()
    containing = [name for name in names if low in name.lower()]
    similar = difflib.get_close_matches(wanted, names, n=n, cutoff=0.6)
    return list(dict.fromkeys([*containing, *similar]))[:n]
