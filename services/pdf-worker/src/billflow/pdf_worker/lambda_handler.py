"""AWS Lambda entry point: ``billflow.pdf_worker.lambda_handler.handler`` (see ``LambdaEntry``)."""

from billflow.pdf_worker.bootstrap import WORKER
from billflow.platform.worker.lambda_entry import LambdaEntry

entry = LambdaEntry(WORKER)
handler = entry.handler
