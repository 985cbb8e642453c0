"""``python -m billflow.webhooks``: consume the webhooks queue until SIGTERM."""

import uvloop

from billflow.platform.worker.run import run_worker
from billflow.webhooks.bootstrap import WORKER

uvloop.run(run_worker(WORKER))  # libuv's event loop, as the other workers'
