"""The worker kit: a queue worker is a route table, its adapters and a ``WorkerSpec``.

- ``routes``: ``Route``/``RouteTable``, from message class to the work it asks for, and the one
  handler built from a table;
- ``build``: ``WorkerSpec`` and ``build_worker``, what every worker opens;
- ``consumers``: a consumer per consumed queue, and the health port;
- ``run``: ``run_worker``, the long-running driver; ``lambda_entry``: ``LambdaEntry``, the Lambda one.
"""

from billflow.platform.worker.build import Platform, Wiring, Worker, WorkerSettings, WorkerSpec, build_worker
from billflow.platform.worker.consumers import Consumed
from billflow.platform.worker.routes import Job, Route, RouteTable, nothing_to_mark

__all__ = [
    "Consumed",
    "Job",
    "Platform",
    "Route",
    "RouteTable",
    "Wiring",
    "Worker",
    "WorkerSettings",
    "WorkerSpec",
    "build_worker",
    "nothing_to_mark",
]
