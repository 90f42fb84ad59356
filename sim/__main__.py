"""``python -m sim`` is ``navsim``."""

import sys

from sim.cli import main

sys.exit(main())
