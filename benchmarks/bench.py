"""Benchmark both engines: ``python benchmarks/bench.py [--youths N] [--json FILE]``.

The same as ``navsim bench``; see ``sim/bench.py`` for what is measured and how.
"""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
