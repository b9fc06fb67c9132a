from paitui.cli import main

raise SystemExit(main())
