"""The services as real processes, started the way `make run` starts them.

Fault-injection tests stop, kill and restart single services through this class.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SERVICES = {
    "api": "billflow.api",
    "pdf-worker": "billflow.pdf_worker",
    "emailer": "billflow.emailer",
    "extractor": "billflow.extractor",
    "webhooks": "billflow.webhooks",
    "planner": "billflow.api.planner",
}


class RunningSystem:
    def __init__(
        self, env: dict[str, str], log_dir: Path, per_service: dict[str, dict[str, str]] | None = None
    ) -> None:
        self.env = {**os.environ, **env}
        self.per_service = per_service or {}
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.api_url = f"http://127.0.0.1:{env['BILLFLOW_API_PORT']}"

    def start(self, name: str, instance: str | None = None) -> None:
        """Start service ``name``; a second ``instance`` name runs another process of it."""
        key = instance or name
        log = (self.log_dir / f"{key}.log").open("ab")
        self.processes[key] = subprocess.Popen(
            [sys.executable, "-m", SERVICES[name]],
            env={**self.env, **self.per_service.get(key, {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: a crash (SIGKILL) takes every process of the service with
            # it, as when a container or a Lambda sandbox dies (the HTTP server's worker process,
            # the pdf-worker's Chromium).
            start_new_session=True,
        )

    def start_all(self, timeout: float = 60) -> None:
        for name in SERVICES:
            self.start(name)
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the API did not become healthy:\n{self.log('api')}")
            time.sleep(0.2)

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """SIGTERM goes to the service's main process (what a container runtime does); SIGKILL
        to its whole process group. Whatever is left of the group afterwards is killed."""
        process = self.processes.pop(name)
        if sig == signal.SIGKILL:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(sig)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def kill(self, name: str) -> None:
        self.stop(name, signal.SIGKILL)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""
