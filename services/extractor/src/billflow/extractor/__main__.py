"""``python -m billflow.extractor``: consume the expense queue until SIGTERM."""

import asyncio

from billflow.extractor.main import main

asyncio.run(main())
