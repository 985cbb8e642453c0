"""AWS Lambda entry point: ``billflow.emailer.lambda_handler.handler`` (see ``LambdaEntry``)."""

from billflow.emailer.bootstrap import WORKER
from billflow.platform.worker.lambda_entry import LambdaEntry

entry = LambdaEntry(WORKER)
handler = entry.handler
