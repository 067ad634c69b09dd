"""`python -m dashboard …` runs the command line (see dashboard.cli.main)."""

import sys

from dashboard.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
