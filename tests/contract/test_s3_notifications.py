"""S3's event notifications, as S3 and LocalStack put them on the upload queue, decode in the
extractor (golden examples in golden/s3/, written from AWS's documented event structure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from billflow.extractor.routes import uploaded

pytestmark = pytest.mark.contract

S3 = Path(__file__).parent / "golden" / "s3"


def test_an_object_created_by_a_browsers_post_means_reading_its_expense() -> None:
    commands = uploaded((S3 / "object-created-post.json").read_bytes())
    assert commands is not None
    assert [c.expense_id for c in commands] == ["0190a5f2-0000-7000-8000-000000000001"]


def test_the_test_event_s3_sends_when_the_notification_is_configured_means_nothing() -> None:
    assert uploaded((S3 / "test-event.json").read_bytes()) == []
