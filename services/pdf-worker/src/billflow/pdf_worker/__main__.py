"""``python -m billflow.pdf_worker``: consume the render queue until SIGTERM."""

import uvloop

from billflow.pdf_worker.main import main

uvloop.run(main())  # libuv's event loop, as the API's (decision 0015)
