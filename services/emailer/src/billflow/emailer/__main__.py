"""``python -m billflow.emailer``: consume the delivery queue until SIGTERM."""

import uvloop

from billflow.emailer.main import main

uvloop.run(main())  # libuv's event loop, as the API's (decision 0015)
