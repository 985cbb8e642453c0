"""S3's event notifications, as S3 puts them on an SQS queue (not Billflow's own messages).

A notification holds ``Records``, each naming the bucket and the object (its key URL-encoded, a
space as ``+``). When a notification configuration is saved, S3 (and LocalStack) first sends an
``s3:TestEvent`` with no records. Only what a consumer needs is decoded; other fields are
ignored, so a new field in AWS's format changes nothing here.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import msgspec


class _Object(msgspec.Struct):
    key: str
    size: int = 0


class _Bucket(msgspec.Struct):
    name: str


class _Entity(msgspec.Struct):
    bucket: _Bucket
    object: _Object


class _Record(msgspec.Struct, rename={"event_name": "eventName"}):
    event_name: str
    s3: _Entity


class _Notification(msgspec.Struct, rename={"records": "Records", "event": "Event"}):
    records: list[_Record] = []
    event: str | None = None


_decoder = msgspec.json.Decoder(_Notification)


class S3ObjectCreated(msgspec.Struct, frozen=True):
    bucket: str
    key: str
    """Decoded: the object's real key."""
    size: int


def objects_created(body: bytes) -> list[S3ObjectCreated] | None:
    """The objects a notification says were created; ``[]`` for a test event or other events;
    None when ``body`` is not an S3 notification at all."""
    try:
        notification = _decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not notification.records and notification.event is None:
        return None
    return [
        S3ObjectCreated(r.s3.bucket.name, unquote_plus(r.s3.object.key), r.s3.object.size)
        for r in notification.records
        if r.event_name.startswith("ObjectCreated:")
    ]
