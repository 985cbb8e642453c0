"""``python -m billflow.emailer``: consume the delivery queue until SIGTERM."""

import uvloop

from billflow.emailer.main import main

uvloop.run(main())  # libuv's event loop: less CPU per message than asyncio's own
