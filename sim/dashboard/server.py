"""Start the dashboard: the Solara app served by uvicorn on one host and port.

Solara is configured through environment variables, set here before it is imported. Its
usage statistics are off, and its page assets come from the ``solara-assets`` package, so
the page works without reaching the internet.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def serve(host: str, port: int, results: Path) -> int:
    os.environ["SOLARA_APP"] = "sim.dashboard.app"
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_MODE", "production")
    from sim.dashboard.app import RESULTS_ENV

    os.environ[RESULTS_ENV] = str(Path(results).resolve())
    import uvicorn

    print(f"navsim dashboard: http://{host}:{port}/ (results in {results}; Ctrl-C stops it)", flush=True)
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning")
    return 0


def dashboard_command(args: argparse.Namespace) -> int:
    """Entry point of ``navsim dashboard`` (options in ``sim.cli``)."""
    return serve(args.host, args.port, args.results)
