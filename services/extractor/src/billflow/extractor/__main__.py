"""``python -m billflow.extractor``: consume the expense queue until SIGTERM."""

import uvloop

from billflow.extractor.bootstrap import WORKER
from billflow.platform.worker.run import run_worker

uvloop.run(run_worker(WORKER))  # libuv's event loop, as the API's (decision 0015)
