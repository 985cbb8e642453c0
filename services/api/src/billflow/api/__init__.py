"""The REST API: one ASGI app, served by granian locally and by Lambda behind API Gateway in AWS."""
