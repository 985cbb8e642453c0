"""AWS Lambda entry point: ``billflow.webhooks.lambda_handler.handler`` (see ``LambdaEntry``)."""

from billflow.platform.worker.lambda_entry import LambdaEntry
from billflow.webhooks.bootstrap import WORKER

entry = LambdaEntry(WORKER)
handler = entry.handler
