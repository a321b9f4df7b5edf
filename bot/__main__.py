"""`python -m bot` runs the same command as `newsqa`."""

import sys

from .cli import main

sys.exit(main())
