"""Entry point: ``python -m plg.bench``."""

import sys

from plg.bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
