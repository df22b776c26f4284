from fleettui.cli.main import main

raise SystemExit(main())
