"""``python -m billflow.emailer``: consume the delivery queue until SIGTERM."""

import asyncio

from billflow.emailer.main import main

asyncio.run(main())
