"""AWS Lambda entry point: ``billflow.api.planner.lambda_handler.handler`` (see ``LambdaEntry``)."""

from billflow.api.planner.bootstrap import WORKER
from billflow.platform.worker.lambda_entry import LambdaEntry

entry = LambdaEntry(WORKER)
handler = entry.handler
