"""`make demo`: with `make run` going, seed a small company, bill last month, show the result.

Only the public REST API is used, exactly as a client would. Safe to run again: each run adds a
new set of employees, and the billing run invoices those not invoiced yet.
"""

from __future__ import annotations

import calendar
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def counted(n: int, one: str, many: str | None = None) -> str:
    """``1 client invoice``, ``2 client invoices``: the count and the noun in agreement."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def settings() -> dict[str, str]:
    env = dict(os.environ)
    run_env = ROOT / "var" / "run.env"
    if run_env.exists():
        for line in run_env.read_text().splitlines():
            key, _, value = line.partition("=")
            env.setdefault(key, value)
    return env


ENV = settings()
API = f"http://127.0.0.1:{ENV.get('BILLFLOW_API_PORT', '8000')}"
TOKEN = ""


def call(method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        API + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "content-type": "application/json",
            **({"authorization": f"Bearer {TOKEN}"} if TOKEN else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path} answered {e.code}: {e.read().decode()}")


def wait_for_api(seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{API}/health", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"Billflow's API is not answering at {API}: start it with `make run` first.")
            time.sleep(1)


def issued_run(body: dict[str, str], seconds: float = 120) -> Any:
    """Start a billing run and wait until the planner has issued its invoices.

    ``POST /v1/billing-runs`` accepts a run at once (202, ``status: planning``, no invoices yet);
    ``GET /v1/billing-runs/{id}`` lists the run's invoices once it is ``issued``.
    """
    run_id = call("POST", "/v1/billing-runs", body)["id"]
    deadline = time.monotonic() + seconds
    while True:
        run = call("GET", f"/v1/billing-runs/{run_id}")
        if run["status"] == "issued":
            return run
        if time.monotonic() > deadline:
            sys.exit(f"billing run {run_id} still {run['status']} after {seconds:.0f} s: is the planner up?")
        time.sleep(0.3)


def last_month() -> tuple[date, date]:
    first_of_this = date.today().replace(day=1)
    end = first_of_this - timedelta(days=1)
    return end.replace(day=1), end


PEOPLE = [
    ("Ada Lovelace", "Engineering", "Analytical Engine", "95.00", "EUR"),
    ("Grace Hopper", "Engineering", "Analytical Engine", "110.00", "USD"),
    ("Katherine Johnson", "Research", "Orbital Mechanics", "88.50", "USD"),
    ("Hedy Lamarr", "Research", "Orbital Mechanics", "120.00", "EUR"),
    ("Alan Turing", "Engineering", "Analytical Engine", "105.25", "GBP"),
]
TASKS = ["Design review", "Implementation", "Code review", "Client workshop", "Testing", "Documentation"]


def main() -> None:
    global TOKEN
    wait_for_api()
    TOKEN = call(
        "POST",
        "/v1/auth/token",
        {"email": ENV["BILLFLOW_ADMIN_EMAIL"], "password": ENV["BILLFLOW_ADMIN_PASSWORD"]},
    )["access_token"]
    start, end = last_month()
    rng = random.Random(42)  # noqa: S311 - plausible hours, not secrets
    departments = {n: call("POST", "/v1/departments", {"name": n})["id"] for n in {p[1] for p in PEOPLE}}
    client = call(
        "POST",
        "/v1/clients",
        {
            "name": "Difference Engines Ltd",
            "email": f"accounts.{uuid.uuid4().hex[:6]}@example.com",
            "address": {
                "street": "1 Babbage Row",
                "city": "London",
                "postal_code": "N1 1AA",
                "country": "GB",
            },
            "vat_id": "GB123456789",
            "currency": "EUR",
        },
    )
    engine = {"name": "Analytical Engine", "tax_rate": "21", "client_id": client["id"], "hourly_rate": "120"}
    # Tables of a client too, at a reduced rate: the client invoice has two tax rows.
    tables = {"name": "Navigation Tables", "tax_rate": "6", "client_id": client["id"], "hourly_rate": "95"}
    projects = {
        "Analytical Engine": call("POST", "/v1/projects", engine)["id"],
        "Navigation Tables": call("POST", "/v1/projects", tables)["id"],
        "Orbital Mechanics": call("POST", "/v1/projects", {"name": "Orbital Mechanics", "tax_rate": "0"})[
            "id"
        ],
    }
    run_tag = uuid.uuid4().hex[:6]
    names: dict[str, str] = {}
    for name, department, project, rate, currency in PEOPLE:
        employee = call(
            "POST",
            "/v1/employees",
            {
                "full_name": name,
                "email": f"{name.split()[0].lower()}.{run_tag}@example.com",
                "department_id": departments[department],
                "project_id": projects[project],
                "hourly_rate": rate,
                "currency": currency,
            },
        )
        names[employee["id"]] = name
        days = [start + timedelta(days=i) for i in range(calendar.monthrange(start.year, start.month)[1])]
        workdays = [
            {
                "date": d.isoformat(),
                "hours": rng.choice(["6", "7.5", "8", "8", "8.25"]),
                "description": rng.choice(TASKS),
            }
            for d in days
            if d.weekday() < 5
        ]
        call("PUT", f"/v1/employees/{employee['id']}/workdays", {"workdays": workdays})
        if name == "Katherine Johnson":  # also computes the client's tables, at a rate of her own
            tables_id = projects["Navigation Tables"]
            call("PUT", f"/v1/projects/{tables_id}/members/{employee['id']}", {"hourly_rate": "140"})
            extra = [
                {"date": d.isoformat(), "hours": "2", "description": "Lunar tables", "project_id": tables_id}
                for d in days
                if d.weekday() == 4
            ]
            call("PUT", f"/v1/employees/{employee['id']}/workdays", {"workdays": extra})
    print(
        f"Seeded {counted(len(PEOPLE), 'employee')} with the workdays of {start:%B %Y},"
        " and a client with two projects."
    )

    started = time.monotonic()
    run = issued_run({"period_start": start.isoformat(), "period_end": end.isoformat()})
    skipped = len(run["skipped_employee_ids"])
    print(
        f"Billing run {run['id']}: {counted(len(run['invoice_ids']), 'invoice')} issued"
        f" ({counted(skipped, 'employee')} already invoiced for the period"
        f" {'was' if skipped == 1 else 'were'} skipped)."
    )
    deadline = time.monotonic() + 120
    while True:
        counts = call("GET", f"/v1/billing-runs/{run['id']}")["counts"]
        if counts["pending"] == counts["rendered"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    print(f"All invoices settled in {time.monotonic() - started:.1f} s: {counts}\n")

    invoices = [call("GET", f"/v1/invoices/{i}") for i in run["invoice_ids"]]
    row = "{:<16} {:<18} {:>4} {:>11} {:>10} {:>11} {:<3} {:<8}"
    header = row.format("Number", "Employee", "Days", "Subtotal", "Tax", "Total", "Cur", "Status")
    print(header)
    print("-" * len(header))
    for inv in invoices:
        name = names.get(inv["employee_id"], "?")
        cells = (inv["subtotal"], inv["tax"], inv["total"], inv["currency"], inv["status"])
        workdays_billed = len({line["date"] for line in inv["lines"]})
        print(row.format(inv["number"], name, workdays_billed, *cells))
    print("\nDownload links (pre-signed, valid 15 minutes):")
    for inv in invoices:
        if inv["status"] in ("rendered", "sent"):
            link = call("GET", "/v1/invoices/" + inv["id"] + "/pdf")
            print(f"  {inv['number']}: {link['url']}")
        elif inv["status"] == "failed":
            print(f"  {inv['number']}: failed: {inv.get('failure_reason')}")
    maildir = ROOT / "var" / "mail" / "new"
    if ENV.get("SMTP_HOST", "127.0.0.1") == "127.0.0.1" and maildir.exists():
        print(f"\n{counted(len(list(maildir.iterdir())), 'email')} in the mail catcher's Maildir, {maildir}")
        print("  (one RFC 5322 message per file: open it in any mail client, or read it as text)")
    else:
        print(f"\nEmails went to the SMTP server at {ENV.get('SMTP_HOST')}:{ENV.get('SMTP_PORT')}.")
    show_client_invoices(start, end)
    print(f"API docs: {API}/docs")


def show_client_invoices(start: date, end: date) -> None:
    """The clients' billing run: the hours on each client's projects, billed to the client."""
    run = issued_run({"period_start": start.isoformat(), "period_end": end.isoformat(), "kind": "clients"})
    print(f"\nClients' billing run {run['id']}: {counted(len(run['invoice_ids']), 'client invoice')} issued.")
    deadline = time.monotonic() + 60
    invoices = [call("GET", f"/v1/invoices/{i}") for i in run["invoice_ids"]]
    while any(i["status"] in ("pending", "rendered") for i in invoices) and time.monotonic() < deadline:
        time.sleep(0.3)
        invoices = [call("GET", f"/v1/invoices/{i['id']}") for i in invoices]
    for inv in invoices:
        print(
            f"\n{inv['number']} to {inv['billed_to']['name']} <{inv['billed_to']['email']}>, {inv['status']}"
        )
        for line in inv["lines"]:
            print(
                f"  {line['project_name']:<18} {line['employee_name']:<18} {line['hours']:>7} h"
                f" x {line['rate']:>7} = {line['amount']:>10}  VAT {line['tax_rate']}%"
            )
        for tax in inv["taxes"]:
            print(f"  {'VAT ' + tax['rate'] + '% on ' + tax['base']:<52} {tax['amount']:>10}")
        print(f"  {'Total ' + inv['currency']:<52} {inv['total']:>10}")
        if inv["status"] in ("rendered", "sent"):
            base = "/v1/invoices/" + inv["id"]
            print(f"  PDF (with its timesheet): {call('GET', base + '/pdf')['url']}")
            print("  It is a Factur-X PDF/A-3b: its CII is embedded as factur-x.xml. The e-invoices:")
            for fmt, what in (("cii", "CII (Factur-X)"), ("ubl", "UBL 2.1")):
                print(f"    {what:<15} {call('GET', base + '/einvoice?format=' + fmt)['url']}")
        elif inv["status"] == "failed":
            print(f"  failed: {inv.get('failure_reason')}")


if __name__ == "__main__":
    main()
