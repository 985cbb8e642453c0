"""AWS Lambda entry point: ``billflow.extractor.lambda_handler.handler`` (see ``LambdaEntry``)."""

from billflow.extractor.bootstrap import WORKER
from billflow.platform.worker.lambda_entry import LambdaEntry

entry = LambdaEntry(WORKER)
handler = entry.handler
