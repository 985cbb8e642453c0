"""``python -m billflow.emailer``: consume the delivery and statements queues until SIGTERM."""

import uvloop

from billflow.emailer.bootstrap import WORKER
from billflow.platform.worker.run import run_worker

uvloop.run(run_worker(WORKER))  # libuv's event loop, as the API's (decision 0015)
