"""The planner: a queue worker, built with the worker kit, that issues billing runs in chunks.

It lives in the API's distribution because it is the API's own work carried on after the 202:
the same use cases, settings and issuer; it runs as its own process (``python -m
billflow.api.planner``) or Lambda function (``billflow.api.planner.lambda_handler.handler``).
"""
