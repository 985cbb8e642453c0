"""Every message version ever published decodes in every consumer that accepts its type.

Golden files are never edited once published: a changed contract is a new version (a new file),
and the consumer keeps accepting the old one.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from billflow.api.planner.routes import decode as planner_decode
from billflow.domain.contracts import (
    AnyMessage,
    EmailerMessage,
    ExtractorMessage,
    Message,
    PdfWorkerMessage,
    PlannerMessage,
    SendMonthlyStatements,
    SendReminders,
    WebhooksMessage,
    message_type,
    type_tag,
)
from billflow.emailer.routes import decode as emailer_decode
from billflow.extractor.routes import decode as extractor_decode
from billflow.pdf_worker.routes import decode as pdf_worker_decode
from billflow.webhooks.routes import decode as webhooks_decode

pytestmark = pytest.mark.contract

GOLDEN = Path(__file__).parent / "golden"


def _members(alias: object) -> set[type[Message]]:
    return set(typing.get_args(alias)) or {alias}


CONSUMERS: dict[str, tuple[Callable[[bytes], Message], set[type[Message]]]] = {
    "pdf-worker": (pdf_worker_decode, _members(PdfWorkerMessage)),
    "emailer": (emailer_decode, _members(EmailerMessage)),
    "extractor": (extractor_decode, _members(ExtractorMessage)),
    "webhooks": (webhooks_decode, _members(WebhooksMessage)),
    "planner": (planner_decode, _members(PlannerMessage)),
}
GOLDEN_FILES = sorted(GOLDEN.glob("*.json"))


def test_every_message_type_has_a_golden_example() -> None:
    tags = {type_tag(cls) for cls in _members(AnyMessage)}
    assert tags <= {f.stem for f in GOLDEN_FILES}


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.stem)
def test_a_golden_message_decodes_in_every_consumer_of_its_type(path: Path) -> None:
    body = path.read_bytes()
    tag = json.loads(body)["type"]
    assert tag == path.stem
    consumers = [name for name, (_, accepted) in CONSUMERS.items() if tag in {type_tag(c) for c in accepted}]
    assert consumers, f"no consumer accepts {tag}"
    for name in consumers:
        decode, _ = CONSUMERS[name]
        message = decode(body)
        assert message_type(message) == tag, name
        # What the producer encodes today carries exactly the golden file's fields.
        assert set(msgspec.json.decode(msgspec.json.encode(message))) == set(json.loads(body))


@pytest.mark.parametrize("name", sorted(CONSUMERS))
def test_consumers_refuse_what_they_do_not_accept(name: str) -> None:
    decode, accepted = CONSUMERS[name]
    foreign = [
        f for f in GOLDEN_FILES if json.loads(f.read_bytes())["type"] not in {type_tag(c) for c in accepted}
    ]
    for path in foreign:
        with pytest.raises(msgspec.ValidationError):
            decode(path.read_bytes())
    for junk in (b"", b"not json", b"{}", b'{"type": "invoice.render.v999"}', b"[]"):
        with pytest.raises((msgspec.ValidationError, msgspec.DecodeError)):
            decode(junk)


def test_a_new_optional_field_from_a_newer_producer_is_ignored() -> None:
    body = json.loads((GOLDEN / "invoice.render.v1.json").read_bytes())
    body["priority"] = "high"
    assert message_type(pdf_worker_decode(json.dumps(body).encode())) == "invoice.render.v1"


def test_the_monthly_schedules_constant_input_is_a_statement_request_for_last_month() -> None:
    """EventBridge can only send a constant: the bare tag must decode, envelope and month empty."""
    from billflow.devstack.provision import STATEMENTS_RULE_INPUT

    message = emailer_decode(STATEMENTS_RULE_INPUT.encode())
    assert isinstance(message, SendMonthlyStatements)
    assert (message.month, message.occurred_at, message.message_id) == (None, None, "")


def test_the_daily_schedules_constant_input_asks_for_the_reminders_of_the_day_it_arrives() -> None:
    from datetime import UTC, datetime

    from billflow.devstack.provision import REMINDERS_RULE_INPUT
    from billflow.emailer.routes import reminder_day
    from billflow.platform.aws.sqs_consumer import Received

    message = emailer_decode(REMINDERS_RULE_INPUT.encode())
    assert isinstance(message, SendReminders)
    assert (message.as_of, message.occurred_at, message.message_id) == (None, None, "")
    received = Received(REMINDERS_RULE_INPUT.encode(), 1, {}, "sqs-1", datetime(2026, 12, 2, 7, tzinfo=UTC))
    assert reminder_day(message, received).isoformat() == "2026-12-02"


def test_a_statement_request_for_a_month_that_does_not_exist_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError):
        emailer_decode(b'{"type": "statements.send.v1", "month": "2026-13"}')


def test_the_hourly_schedules_constant_input_asks_the_extractor_to_sweep_abandoned_uploads() -> None:
    from billflow.devstack.provision import UPLOAD_SWEEP_RULE_INPUT
    from billflow.domain.contracts import SweepAbandonedUploads

    message = extractor_decode(UPLOAD_SWEEP_RULE_INPUT.encode())
    assert isinstance(message, SweepAbandonedUploads)
    assert (message.occurred_at, message.message_id, message.correlation_id) == (None, "", "")
