"""Start the dashboard: the Solara app served by uvicorn on one host and port.

Solara is configured through environment variables, set here before it is imported. Its
usage statistics are off, and its page assets come from the ``solara-assets`` package, so
the page works without reaching the internet.
"""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path


def _check_free(host: str, port: int) -> None:
    """Fail with one line, before anything starts, when the address cannot be listened on."""
    from sim.scenario.loader import InputError

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise InputError(None, "--port", f"cannot listen on {host}:{port}: {reason}") from None


def serve(host: str, port: int, results: Path) -> int:
    _check_free(host, port)
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
