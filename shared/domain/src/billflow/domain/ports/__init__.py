"""Ports: the capabilities the use cases need from the outside world, as Protocols, one module
per capability.

Adapters live outside the domain and are named technology + port (``AsyncpgUnitOfWork``,
``S3DocumentStore``, ``PlaywrightPdfRenderer``, ``SmtpMailer``). Every method is async and speaks
domain types only. Adapters translate driver exceptions into the domain errors named in each
port's docstring.
"""
