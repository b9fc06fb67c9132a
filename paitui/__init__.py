"""paitui: a keyboard-driven terminal dashboard for Alibaba Cloud PAI."""

import sys as _sys

__version__ = "0.1.0"

# httpx's package import also loads its command-line client (``httpx._main``: click, pygments, rich.progress,
# ~15 ms of every start) only to offer ``httpx.main``, which paitui never calls. A ``None`` entry makes that one
# import fail, and httpx then installs the stub it has for a missing ``httpx[cli]``. Only before httpx loads,
# so a process that imported httpx first keeps its CLI.
if "httpx" not in _sys.modules and "httpx._main" not in _sys.modules:
    _sys.modules["httpx._main"] = None  # type: ignore[assignment]
