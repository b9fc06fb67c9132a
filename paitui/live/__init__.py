"""UI-agnostic live data: watches that poll and diff (``watch``, ``diff``), list fetchers (``listers``), time
windows (``windows``), phase classification (``status``), lifecycle math (``lifecycle``) and terminal-state
notices (``notify``). Nothing here imports Textual; modules are imported one by one (no re-exports) so that
importing ``paitui.live`` stays free."""
