"""AWS adapters on aioboto3: S3 documents, SQS publishing and consuming."""
