"""Fault injection: billing runs of 50 invoices through crashes, outages, duplicates and poison.

Each scenario ends with every invoice sent, one email (one Message-ID) and one PDF per invoice,
the work queues drained, and the dead-letter queues holding only what the scenario put there.
The figures of each run are appended to test-artifacts/fault-injection.jsonl.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.faults.conftest import report
from tests.faults.scenario import (
    Run,
    accept_billing_run,
    counts,
    issued,
    queue_counts,
    settle_queues,
    start_billing_run,
    verify,
    wait_until,
)
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]


async def test_killing_the_api_and_both_workers_mid_run_loses_and_duplicates_nothing(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    s3: Any,
    fault_database: str,
) -> None:
    # No rendering until the API is back: the workers are then killed mid-run, not after it.
    fault_system.stop("pdf-worker")
    accepted = await accept_billing_run(fault_api)
    # The API dies right after committing the run: its relay may not have published a thing.
    fault_system.kill("api")
    fault_system.start("api")
    fault_system.wait_healthy(60)
    fault_system.start("pdf-worker")
    planning = Run(accepted.run_id, [], {})  # the counts, while the invoices are being issued
    at_kill = await wait_until(fault_api, planning, lambda c: c["rendered"] + c["sent"] >= 3)
    fault_system.kill("pdf-worker")
    fault_system.kill("emailer")
    await asyncio.sleep(1)
    fault_system.start("pdf-worker")
    fault_system.start("emailer")
    second = await wait_until(fault_api, planning, lambda c: c["sent"] >= 20)
    fault_system.kill("emailer")  # once more, later in the run
    fault_system.start("emailer")
    run = await issued(fault_api, accepted)

    entry = await verify(
        "SIGKILL api after commit, then pdf-worker and emailer mid-run (twice for the emailer)",
        fault_api,
        run,
        fault_smtp,
        fault_system,
        sqs,
        s3,
        fault_database,
        sent_at_first_kill=at_kill["sent"],
        sent_at_second_kill=second["sent"],
    )
    report(entry)
    assert entry["sent"] == 50


async def test_an_smtp_outage_delays_delivery_but_every_invoice_goes_out_once(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    s3: Any,
    fault_database: str,
) -> None:
    fault_smtp.stop()
    try:
        run = await start_billing_run(fault_api)
        during = await wait_until(fault_api, run, lambda c: c["rendered"] >= 20)
        await asyncio.sleep(8)  # the mail server stays away while the emailer keeps failing
        during = await counts(fault_api, run)
    finally:
        fault_smtp.start()
    entry = await verify(
        "SMTP server down for the first renders plus 8 s",
        fault_api,
        run,
        fault_smtp,
        fault_system,
        sqs,
        s3,
        fault_database,
        sent_while_down=during["sent"],
        rendered_while_down=during["rendered"],
    )
    report(entry)
    assert during["sent"] == 0
    assert entry["sent"] == 50


def _message(kind: str, invoice_id: str, number: str = "") -> str:
    envelope = {
        "message_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "correlation_id": f"duplicate-{uuid.uuid4().hex[:6]}",
        "invoice_id": invoice_id,
    }
    if kind == "render":
        return json.dumps({"type": "invoice.render.v1", **envelope})
    return json.dumps(
        {"type": "invoice.deliver.v1", **envelope, "pdf_key": f"invoices/{date.today().year}/{number}.pdf"}
    )


POISON = [
    "",
    "not json at all",
    '{"type": "invoice.render.v9", "invoice_id": "x"}',
    '{"type": "invoice.deliver.v1"}',
    '{"type": "invoice.render.v1", "message_id": 42, "occurred_at": "yesterday",'
    ' "correlation_id": "c", "invoice_id": []}',
]


async def test_duplicates_to_two_workers_each_and_poison_messages_yield_one_email_per_invoice(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    s3: Any,
    fault_database: str,
) -> None:
    fault_system.start("pdf-worker", instance="pdf-worker-2")
    fault_system.start("emailer", instance="emailer-2")
    render_url = sqs.get_queue_url(QueueName=fault_system.env["BILLFLOW_RENDER_QUEUE"])["QueueUrl"]
    delivery_url = sqs.get_queue_url(QueueName=fault_system.env["BILLFLOW_DELIVERY_QUEUE"])["QueueUrl"]
    try:
        run = await start_billing_run(fault_api)
        numbers = {i: (await fault_api.get(f"/v1/invoices/{i}")).json()["number"] for i in run.invoice_ids}
        for body in POISON:
            sqs.send_message(QueueUrl=render_url, MessageBody=body or " ")
            sqs.send_message(QueueUrl=delivery_url, MessageBody=body or " ")
        for invoice_id, number in numbers.items():  # every command three more times, in both queues
            for _ in range(3):
                sqs.send_message(QueueUrl=render_url, MessageBody=_message("render", invoice_id))
                sqs.send_message(QueueUrl=delivery_url, MessageBody=_message("deliver", invoice_id, number))
        entry = await verify(
            "3 extra copies of every render and delivery command, 2 processes of each worker,"
            " 5 poison messages per queue",
            fault_api,
            run,
            fault_smtp,
            fault_system,
            sqs,
            s3,
            fault_database,
            expected_dead_letters=2 * len(POISON),
            duplicates_injected=2 * 3 * len(numbers),
            poison_injected=2 * len(POISON),
        )
    finally:
        fault_system.stop("pdf-worker-2")
        fault_system.stop("emailer-2")
        for url in (render_url, delivery_url):  # the poison is accounted for: clear it for the next scenario
            dlq = sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1] + "-dlq")["QueueUrl"]
            sqs.purge_queue(QueueUrl=dlq)
    report(entry)
    assert entry["sent"] == 50
    assert entry["emails_at_smtp_server"] == 50 + entry["resent_after_takeover"]


async def test_postgres_connections_cut_three_times_mid_run_heal_without_loss(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    s3: Any,
    fault_database: str,
) -> None:
    run = await start_billing_run(fault_api)
    terminated = 0
    admin = await asyncpg.connect(fault_database)
    try:
        for _ in range(3):
            await asyncio.sleep(1.0)
            terminated += await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
    finally:
        await admin.close()
    entry = await verify(
        "every PostgreSQL client connection terminated 3 times, 1 s apart, mid-run",
        fault_api,
        run,
        fault_smtp,
        fault_system,
        sqs,
        s3,
        fault_database,
        connections_terminated=terminated,
    )
    report(entry)
    assert terminated > 0
    assert entry["sent"] == 50
    assert fault_system.processes["api"].poll() is None


async def test_sigterm_stops_a_worker_within_its_bound(fault_system: RunningSystem) -> None:
    started = asyncio.get_running_loop().time()
    code = fault_system.stop("pdf-worker", signal.SIGTERM, timeout=30)
    took = asyncio.get_running_loop().time() - started
    fault_system.start("pdf-worker")
    assert code == 0
    report({"scenario": "SIGTERM an idle pdf-worker", "exit_code": code, "seconds": round(took, 1)})


PLANNED = 100


async def test_a_planner_killed_mid_run_is_resumed_by_another_with_no_invoice_twice_or_missing(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    s3: Any,
    fault_database: str,
) -> None:
    accepted = await accept_billing_run(fault_api, PLANNED)

    async def progress() -> dict[str, Any]:
        body: dict[str, Any] = (await fault_api.get(f"/v1/billing-runs/{accepted.run_id}")).json()
        return body

    deadline = time.monotonic() + 120
    while (at_kill := await progress())["issued"] < 10:  # some chunks committed, most to come
        assert time.monotonic() < deadline, at_kill
        await asyncio.sleep(0.05)
    fault_system.kill("planner")  # mid-chunk, most likely: that chunk rolls back whole
    after_kill = await progress()
    fault_system.start("planner", instance="planner-2")  # another one, after the visibility timeout
    try:
        run = await issued(fault_api, accepted)
        admin = await asyncpg.connect(fault_database)
        try:
            rows = await admin.fetch(
                "SELECT employee_id::text, number FROM invoices WHERE billing_run_id = $1 ORDER BY number",
                accepted.run_id,
            )
        finally:
            await admin.close()
        entry = await verify(
            f"SIGKILL the planner mid-run after {at_kill['issued']} of {PLANNED} invoices, another resumes",
            fault_api,
            run,
            fault_smtp,
            fault_system,
            sqs,
            s3,
            fault_database,
            issued_at_kill=at_kill["issued"],
            issued_after_kill=after_kill["issued"],
            planning_at_kill=after_kill["status"] == "planning",
        )
    finally:
        fault_system.stop("planner-2")
        fault_system.start("planner")
    report(entry)
    assert after_kill["status"] == "planning"
    assert after_kill["issued"] < PLANNED
    assert sorted(r["employee_id"] for r in rows) == sorted(e["id"] for e in accepted.employees)
    numbers = [int(r["number"].rsplit("-", 1)[1]) for r in rows]
    assert numbers == list(range(numbers[0], numbers[0] + PLANNED))  # no gap where it crashed
    assert entry["sent"] == PLANNED


REMINDED = 20
PAID_AFTER_ASKING = 5


async def test_reminders_go_once_per_invoice_and_level_through_duplicates_and_a_killed_emailer(
    fault_api: httpx.AsyncClient,
    fault_system: RunningSystem,
    fault_smtp: CapturingSmtpServer,
    sqs: Any,
    fault_database: str,
) -> None:
    run = await start_billing_run(fault_api, REMINDED)
    await wait_until(fault_api, run, lambda c: c["sent"] == REMINDED)
    admin = await asyncpg.connect(fault_database)
    try:
        # The earlier scenarios' invoices are settled, so the day's reminders are this run's only.
        await admin.execute(
            "UPDATE invoices SET amount_paid = total - amount_credited, payment_status = 'paid'"
            " WHERE NOT (id = ANY($1::uuid[])) AND payment_status IN ('unpaid', 'partially_paid')",
            run.invoice_ids,
        )
        invoices = [(await fault_api.get(f"/v1/invoices/{i}")).json() for i in run.invoice_ids]
        as_of = date.fromisoformat(invoices[0]["due_date"]) + timedelta(days=21)  # levels 7 and 21
        started = time.monotonic()

        # Asked five times for the same day while no emailer runs: four schedule-shaped messages
        # and the admin's call. Then some invoices are paid before any reminder could go.
        fault_system.stop("emailer")
        queue = sqs.get_queue_url(QueueName=fault_system.env["BILLFLOW_STATEMENTS_QUEUE"])["QueueUrl"]
        for _ in range(4):
            sqs.send_message(
                QueueUrl=queue,
                MessageBody=json.dumps({"type": "reminders.send.v1", "as_of": as_of.isoformat()}),
            )
        assert (await fault_api.post("/v1/reminders", json={"as_of": as_of.isoformat()})).status_code == 202
        paid, owed = invoices[:PAID_AFTER_ASKING], invoices[PAID_AFTER_ASKING:]
        for inv in paid:
            response = await fault_api.post(
                f"/v1/invoices/{inv['id']}/payments",
                json={"amount": inv["balance_due"], "paid_on": "2026-12-01"},
            )
            assert response.status_code == 201, response.text

        def reminders(inv: dict[str, Any]) -> list[Any]:
            return [
                m for m in fault_smtp.to(run.emails[inv["id"]]) if m.message["Subject"].startswith("Reminder")
            ]

        fault_system.start("emailer")
        fault_system.start("emailer", instance="emailer-2")
        fault_smtp.wait_for(lambda _: any(reminders(inv) for inv in owed), timeout=60)
        fault_system.kill("emailer")  # mid-send: its claim is left for the lease to run out
        fault_system.start("emailer")
        deadline = time.monotonic() + 180
        while sum(len({m.message["Message-ID"] for m in reminders(inv)}) for inv in owed) < 2 * len(owed):
            assert time.monotonic() < deadline, "reminders still missing"
            await asyncio.sleep(0.5)
        statements = fault_system.env["BILLFLOW_STATEMENTS_QUEUE"]
        queues = await settle_queues(sqs, [statements], within=60)
        rows = await admin.fetch(
            "SELECT invoice_id::text, level, takeovers FROM reminder_deliveries"
            " WHERE invoice_id = ANY($1::uuid[])",
            run.invoice_ids,
        )
    finally:
        await admin.close()
        fault_system.stop("emailer-2")

    takeovers = {(r["invoice_id"], r["level"]) for r in rows if r["takeovers"] > 0}
    resent = 0
    for inv in owed:
        mails = reminders(inv)
        # One Message-ID per level (the same on every attempt), so two for levels 7 and 21.
        assert len({m.message["Message-ID"] for m in mails}) == 2, (inv["number"], len(mails))
        resent += len(mails) - 2
        shown = (await fault_api.get(f"/v1/invoices/{inv['id']}")).json()
        assert [r["level"] for r in shown["reminders"]] == [7, 21]
    assert resent <= len(takeovers)
    assert all(reminders(inv) == [] for inv in paid)
    assert queues == {statements: (0, 0)}, queues
    assert queue_counts(sqs, f"{statements}-dlq")[0] == 0
    entry = {
        "scenario": "reminders of one day asked 5 times (4 schedule messages + POST), 5 invoices paid"
        " after asking, 2 emailers, one SIGKILLed mid-send",
        "invoices": REMINDED,
        "reminders_expected": 2 * len(owed),
        "distinct_message_ids": sum(len({m.message["Message-ID"] for m in reminders(inv)}) for inv in owed),
        "emails_at_smtp_server": sum(len(reminders(inv)) for inv in owed),
        "resent_after_takeover": resent,
        "takeovers": len(takeovers),
        "reminders_to_paid_invoices": sum(len(reminders(inv)) for inv in paid),
        "seconds": round(time.monotonic() - started, 1),
    }
    report(entry)
