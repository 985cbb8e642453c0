"""Webhooks' rules: which URLs and addresses an endpoint may have, when a delivery is retried,
and who may register endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from billflow.domain.errors import Forbidden, InvalidInput, NotFound
from billflow.domain.model import Role, User
from billflow.domain.ports.pagination import Page
from billflow.domain.ports.webhooks import (
    AttemptResult,
    DueDelivery,
    EndpointAudit,
    EndpointChange,
    RecordedEvent,
)
from billflow.domain.usecases.deliver_webhooks import DeliverWebhookCommand, DeliverWebhookEvent
from billflow.domain.usecases.webhook_endpoints import EndpointUpdate, NewEndpoint, WebhookEndpoints
from billflow.domain.webhooks import (
    DeliveryStatus,
    RetryPolicy,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEventType,
    WebhookTarget,
    checked_events,
    refused_address,
    webhook_target,
)
from domain_fakes import FakeAuditLog, FakeUnitOfWorkFactory, FixedClock, SequentialIds, Store

pytestmark = pytest.mark.unit

ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)
ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "fd00:ec2::254",
        "fe80::1",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "100.64.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_no_delivery_goes_to_a_loopback_private_link_local_or_metadata_address(address: str) -> None:
    assert refused_address(address, allow_loopback=False) is not None


def test_the_metadata_address_stays_refused_even_where_loopback_is_allowed() -> None:
    assert refused_address("169.254.169.254", allow_loopback=True) == "a cloud metadata address"
    assert refused_address("127.0.0.2", allow_loopback=True) is not None
    assert refused_address("127.0.0.1", allow_loopback=True) is None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refused_address(address, allow_loopback=False) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "https://user:pw@hooks.example.com/in",
        "https:///in",
        "https://hooks.example.com:99999/in",
        "http://127.0.0.1:8080/in",  # loopback not allowed here
        "https://" + "a" * 2000 + ".example/",
    ],
)
def test_only_https_urls_with_a_host_may_be_endpoints(url: str) -> None:
    with pytest.raises(InvalidInput):
        webhook_target(url, allow_loopback=False)


def test_plain_http_is_allowed_only_to_127_0_0_1_with_a_port_when_loopback_is_allowed() -> None:
    target = webhook_target("http://127.0.0.1:8080/in", allow_loopback=True)
    assert (target.scheme, target.host, target.port) == ("http", "127.0.0.1", 8080)
    for url in ("http://localhost:8080/in", "http://127.0.0.1/in", "http://10.0.0.1:80/in"):
        with pytest.raises(InvalidInput):
            webhook_target(url, allow_loopback=True)
    secure = webhook_target("https://hooks.example.com/in", allow_loopback=True)
    assert (secure.port, secure.loopback_allowed) == (443, False)


async def test_a_name_resolving_to_loopback_is_refused_even_where_loopback_is_allowed() -> None:
    store = MemoryEndpoints()
    use = WebhookEndpoints(
        store,
        FixedResolver(["127.0.0.1"]),
        CountingSecrets(),
        SequentialIds(),
        FixedClock(T0),
        allow_loopback=True,
    )
    with pytest.raises(InvalidInput):
        await use.create(NewEndpoint(ADMIN, "https://localhost/in", ("invoice.issued",)))
    await use.create(NewEndpoint(ADMIN, "http://127.0.0.1:9000/in", ("invoice.issued",)))
    assert len(store.rows) == 1


def test_events_are_the_known_ones_without_duplicates() -> None:
    assert checked_events(["invoice.sent", "invoice.sent", "payment.recorded"]) == (
        WebhookEventType.INVOICE_SENT,
        WebhookEventType.PAYMENT_RECORDED,
    )
    with pytest.raises(InvalidInput):
        checked_events([])
    with pytest.raises(InvalidInput):
        checked_events(["invoice.deleted"])


def test_retries_back_off_exponentially_from_the_base_and_stop_after_24_hours() -> None:
    policy = RetryPolicy(base_seconds=10)
    first = T0
    assert policy.next_attempt(1, first, first) == first + timedelta(seconds=10)
    assert policy.next_attempt(2, first, first) == first + timedelta(seconds=20)
    now, attempts = first, 0
    while (later := policy.next_attempt(attempts + 1, first, now)) is not None:
        assert later - now <= timedelta(hours=6)
        now, attempts = later, attempts + 1
    assert now - first <= timedelta(hours=24)
    assert now - first > timedelta(hours=17)
    assert 10 <= attempts <= 20


def test_the_first_retry_comes_within_30_seconds_by_default() -> None:
    first_retry = RetryPolicy().next_attempt(1, T0, T0)
    assert first_retry is not None
    assert first_retry <= T0 + timedelta(seconds=30)


class MemoryEndpoints:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[WebhookEndpoint, str]] = {}
        self.trail = Store()
        """The audit entries the writes recorded."""

    async def _audited(
        self, audit: EndpointAudit, before: WebhookEndpoint | None, after: WebhookEndpoint | None
    ) -> None:
        log = FakeAuditLog(self.trail)
        await audit(log, before, after)
        self.trail.audit.extend(log.pending)

    async def add(self, endpoint: WebhookEndpoint, secret: str, *, audit: EndpointAudit) -> None:
        self.rows[endpoint.id] = (endpoint, secret)
        await self._audited(audit, None, endpoint)

    async def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = self.rows.get(endpoint_id)
        return row[0] if row else None

    async def list(self, *, limit: int, after: str | None) -> Page[WebhookEndpoint]:
        return Page([e for e, _ in self.rows.values()][:limit], None)

    async def change(
        self, endpoint_id: str, change: EndpointChange, *, audit: EndpointAudit
    ) -> WebhookEndpoint | None:
        if (row := self.rows.get(endpoint_id)) is None:
            return None
        before, secret = row
        after = replace(
            before,
            url=change.url or before.url,
            events=change.events or before.events,
            enabled=before.enabled if change.enabled is None else change.enabled,
        )
        self.rows[endpoint_id] = (after, secret)
        await self._audited(audit, before, after)
        return after

    async def remove(self, endpoint_id: str, *, audit: EndpointAudit) -> bool:
        if (row := self.rows.pop(endpoint_id, None)) is None:
            return False
        await self._audited(audit, row[0], None)
        return True

    async def attempts(self, endpoint_id: str, *, limit: int, after: str | None) -> Page[WebhookAttempt]:
        return Page([], None)


class FixedResolver:
    def __init__(self, addresses: Sequence[str]) -> None:
        self.addresses = addresses

    async def resolve(self, host: str, port: int) -> Sequence[str]:
        return self.addresses


class CountingSecrets:
    def __init__(self) -> None:
        self.n = 0

    def new_secret(self) -> str:
        self.n += 1
        return f"whsec_secret{self.n}"


def endpoints(addresses: Sequence[str] = ("93.184.215.14",)) -> tuple[WebhookEndpoints, MemoryEndpoints]:
    store = MemoryEndpoints()
    use = WebhookEndpoints(
        store,
        FixedResolver(addresses),
        CountingSecrets(),
        SequentialIds(),
        FixedClock(T0),
        allow_loopback=False,
    )
    return use, store


async def test_an_admin_registers_an_endpoint_and_gets_its_secret_once() -> None:
    use, store = endpoints()
    created = await use.create(NewEndpoint(ADMIN, "https://hooks.example.com/in", ("invoice.issued",)))
    assert created.secret.startswith("whsec_")
    assert created.endpoint.events == (WebhookEventType.INVOICE_ISSUED,)
    assert store.rows[created.endpoint.id][1] == created.secret
    assert "secret" not in repr(await use.get(created.endpoint.id, actor=ADMIN)).lower()


async def test_every_write_of_an_endpoint_is_audited_and_never_with_its_secret() -> None:
    use, store = endpoints()
    created = await use.create(NewEndpoint(ADMIN, "https://hooks.example.com/in", ("invoice.issued",)))
    hook = created.endpoint.id
    await use.update(EndpointUpdate(ADMIN, hook, enabled=False))
    await use.remove(hook, actor=ADMIN)
    with pytest.raises(NotFound):
        await use.remove(hook, actor=ADMIN)
    entries = store.trail.audit
    assert [(e.entity, e.entity_id, e.action, e.actor_id) for e in entries] == [
        ("webhook", hook, action, ADMIN.id) for action in ("create", "update", "delete")
    ]
    assert entries[0].changes["url"].new == "https://hooks.example.com/in"
    assert entries[0].changes["events"].new == ["invoice.issued"]
    assert {n: (c.old, c.new) for n, c in entries[1].changes.items()} == {"enabled": (True, False)}
    assert entries[2].changes["url"].old == "https://hooks.example.com/in"
    assert created.secret not in repr(entries)
    assert "secret" not in {name for e in entries for name in e.changes}


async def test_only_an_admin_manages_webhooks() -> None:
    use, _ = endpoints()
    with pytest.raises(Forbidden):
        await use.create(NewEndpoint(ACCOUNTANT, "https://hooks.example.com/in", ("invoice.issued",)))
    with pytest.raises(Forbidden):
        await use.list(actor=ACCOUNTANT, limit=10, after=None)


@pytest.mark.parametrize("resolved", [["10.0.0.7"], ["93.184.215.14", "169.254.169.254"], ["::1"]])
async def test_a_name_that_already_resolves_to_a_refused_address_is_refused(resolved: list[str]) -> None:
    use, store = endpoints(resolved)
    with pytest.raises(InvalidInput) as refused:
        await use.create(NewEndpoint(ADMIN, "https://hooks.example.com/in", ("invoice.issued",)))
    assert refused.value.field == "url"
    assert store.rows == {}


async def test_a_name_that_does_not_resolve_yet_is_accepted_and_checked_at_every_delivery() -> None:
    use, store = endpoints([])
    await use.create(NewEndpoint(ADMIN, "https://not-yet.example.com/in", ("invoice.issued",)))
    assert len(store.rows) == 1


async def test_changing_or_removing_an_unknown_endpoint_is_not_found() -> None:
    use, _ = endpoints()
    with pytest.raises(NotFound):
        await use.update(EndpointUpdate(ADMIN, "nope", enabled=False))
    with pytest.raises(NotFound):
        await use.remove("nope", actor=ADMIN)


class MemoryDeliveries:
    """One recorded event with its body, and its deliveries."""

    def __init__(self, deliveries: Sequence[DueDelivery]) -> None:
        self.due = list(deliveries)
        self.recorded: list[tuple[str, AttemptResult, DeliveryStatus, datetime | None]] = []

    async def event(self, event_id: str) -> RecordedEvent | None:
        return RecordedEvent(event_id, WebhookEventType.INVOICE_SENT, "i1", None, T0, b"{}")

    async def write_body(self, event_id: str, body: bytes) -> bytes:
        return body

    async def claim_due(self, event_id: str, now: datetime, lease_seconds: float) -> Sequence[DueDelivery]:
        due, self.due = self.due, []
        return due

    async def record(
        self,
        delivery_id: str,
        result: AttemptResult,
        status: DeliveryStatus,
        next_attempt_at: datetime | None,
    ) -> None:
        self.recorded.append((delivery_id, result, status, next_attempt_at))

    async def next_due(self, event_id: str) -> datetime | None:
        pending = [
            at for _, _, status, at in self.recorded if status is DeliveryStatus.PENDING and at is not None
        ]
        return min(pending, default=None)


class OkSender:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(
        self, target: WebhookTarget, webhook_id: str, timestamp: datetime, body: bytes, secret: str
    ) -> AttemptResult:
        self.sent.append(webhook_id)
        return AttemptResult(timestamp, 204, 5, None)


async def test_an_endpoint_no_longer_allowed_is_a_failed_attempt_and_the_others_are_still_sent() -> None:
    deliveries = MemoryDeliveries(
        [
            DueDelivery("d-loop", "http://127.0.0.1:9000/in", "whsec_x", 0, None),
            DueDelivery("d-ok", "https://hooks.example.com/in", "whsec_x", 0, None),
        ]
    )
    sender = OkSender()
    deliver = DeliverWebhookEvent(
        deliveries,
        FakeUnitOfWorkFactory(),
        FakeUnitOfWorkFactory(),
        sender,
        FixedClock(T0),
        policy=RetryPolicy(base_seconds=10),
        allow_loopback=False,
    )
    done = await deliver.execute(DeliverWebhookCommand("e1", "c"))
    assert sender.sent == ["d-ok"]
    outcome = {d: (r.status_code, r.error, s) for d, r, s, _ in deliveries.recorded}
    assert outcome["d-ok"] == (204, None, DeliveryStatus.DELIVERED)
    assert outcome["d-loop"][0] is None
    assert outcome["d-loop"][1] is not None
    assert outcome["d-loop"][1].startswith("refused")
    assert outcome["d-loop"][2] is DeliveryStatus.PENDING
    assert done.retry_in == 10
