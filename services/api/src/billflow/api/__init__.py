"""The REST API: one ASGI app, served by uvicorn locally and by Lambda behind API Gateway in AWS."""
