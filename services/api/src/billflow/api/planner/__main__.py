"""``python -m billflow.api.planner``: consume the planning queue until SIGTERM."""

import uvloop

from billflow.api.planner.bootstrap import WORKER
from billflow.platform.worker.run import run_worker

uvloop.run(run_worker(WORKER))  # libuv's event loop, as the API's (decision 0015)
