"""``python -m billflow.pdf_worker``: consume the render queue until SIGTERM."""

import asyncio

from billflow.pdf_worker.main import main

asyncio.run(main())
