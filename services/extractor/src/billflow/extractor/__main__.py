"""``python -m billflow.extractor``: consume the expense queue until SIGTERM."""

import uvloop

from billflow.extractor.main import main

uvloop.run(main())  # libuv's event loop, as the API's (decision 0015)
