"""``python -m tests.bench``: every benchmark, one combined table (see ``harness.py`` and ``README.md`` here)."""

import sys

from tests.bench.harness import main

sys.exit(main())
