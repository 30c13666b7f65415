"""``python -m kg.bench``: see ``kg.bench``."""

from kg.bench.driver import main

raise SystemExit(main())
