"""Billflow's webhooks deliverer (decision 0028): ``routes`` delivers each recorded event to its
subscribed endpoints through ``sender.HttpxWebhookSender`` (signed per Standard Webhooks, checked
against server-side request forgery); ``bootstrap`` wires it (``python -m billflow.webhooks``).
"""
