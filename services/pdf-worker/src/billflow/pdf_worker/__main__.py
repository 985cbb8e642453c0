"""``python -m billflow.pdf_worker``: consume the render queue until SIGTERM."""

import uvloop

from billflow.pdf_worker.bootstrap import WORKER
from billflow.platform.worker.run import run_worker

uvloop.run(run_worker(WORKER))  # libuv's event loop, as the API's (decision 0015)
