"""The Terraform and the code agree: environment names, queues, bucket, handlers and IAM actions.

Read statically from infra/terraform (functions.tf, queues.tf, locals.tf, modules/) and from the
code (shared/platform settings.py, each service's composition root, the domain's PDF key).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from billflow.domain.billing import pdf_key
from billflow.domain.expenses.expense import UPLOAD_PREFIX, file_key, upload_key
from billflow.platform import settings
from tests.infra.code import (
    DEPLOY_ONLY_NAMES,
    SERVICE_PACKAGES,
    defaults,
    required_names,
    service_names,
    service_structs,
    settings_names,
)
from tests.infra.terraform import (
    PROFILES,
    ROOT,
    TERRAFORM,
    labelled,
    on_profile,
    resolve,
    root_locals,
    strings,
    unwrap,
)

pytestmark = pytest.mark.contract

SERVICES = list(SERVICE_PACKAGES)

HANDLERS = {
    "api": "billflow.api.lambda_handler.handler",
    "pdf_worker": "billflow.pdf_worker.lambda_handler.handler",
    "emailer": "billflow.emailer.lambda_handler.handler",
    "extractor": "billflow.extractor.lambda_handler.handler",
    "webhooks": "billflow.webhooks.lambda_handler.handler",
    "planner": "billflow.api.planner.lambda_handler.handler",
}

CONSUME = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"}


# What each service does with each queue. The relays publish through the outbox (api -> render,
# expense, statements and planning; pdf-worker, emailer and extractor -> delivery; planner ->
# render and planning; every writer -> webhooks, the events the database records in its
# transactions: see routing.destinations); every service resolves the URLs of the queues it names
# at start-up.
QUEUE_ACTIONS: dict[str, dict[str, set[str]]] = {
    "api": {
        "render": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "delivery": {"sqs:GetQueueUrl"},
        "expense": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "statements": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "webhooks": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "planning": {"sqs:SendMessage", "sqs:GetQueueUrl"},
    },
    "pdf_worker": {
        "render": CONSUME | {"sqs:GetQueueUrl"},
        "delivery": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "webhooks": {"sqs:SendMessage", "sqs:GetQueueUrl"},
    },
    "emailer": {
        "delivery": CONSUME | {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "statements": CONSUME | {"sqs:GetQueueUrl"},
        "webhooks": {"sqs:SendMessage", "sqs:GetQueueUrl"},
    },
    "extractor": {
        "expense": CONSUME | {"sqs:GetQueueUrl"},
        "upload": CONSUME | {"sqs:GetQueueUrl"},
        "delivery": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "webhooks": {"sqs:SendMessage", "sqs:GetQueueUrl"},
    },
    "webhooks": {
        "webhooks": CONSUME | {"sqs:GetQueueUrl"},
    },
    "planner": {
        "planning": CONSUME | {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "render": {"sqs:SendMessage", "sqs:GetQueueUrl"},
        "webhooks": {"sqs:SendMessage", "sqs:GetQueueUrl"},
    },
}

INVOICES = "${aws_s3_bucket.documents.arn}/${local.invoice_prefix}*"
EXPENSES = "${aws_s3_bucket.documents.arn}/${local.expense_prefix}*"
UPLOADS = "${aws_s3_bucket.documents.arn}/${local.upload_prefix}*"
BUCKET = "${aws_s3_bucket.documents.arn}"
"""The bucket itself: ListBucket only, so that a missing key is a 404, not a 403."""

# What each service does under each prefix of the documents bucket (invoices/, expenses/).
BUCKET_ACTIONS: dict[str, dict[str, set[str]]] = {
    "api": {
        INVOICES: {"s3:GetObject"},
        EXPENSES: {"s3:PutObject", "s3:GetObject"},
        UPLOADS: {"s3:PutObject", "s3:GetObject"},  # the pre-signed POST and the download link
    },
    "pdf_worker": {INVOICES: {"s3:PutObject"}},
    "emailer": {INVOICES: {"s3:GetObject"}},
    # ListBucket: the sweep of abandoned uploads must tell a missing file from a refused one.
    "extractor": {EXPENSES: {"s3:GetObject"}, UPLOADS: {"s3:GetObject"}, BUCKET: {"s3:ListBucket"}},
    "webhooks": {},
    "planner": {},
}

# The queue each worker consumes through its event source mapping (in modules/function).
CONSUMES = {
    "pdf_worker": "render",
    "emailer": "delivery",
    "extractor": "expense",
    "webhooks": "webhooks",
    "planner": "planning",
}

# Queue key in Terraform -> the settings field naming it.
QUEUE_SETTING = {
    "render": "BILLFLOW_RENDER_QUEUE",
    "delivery": "BILLFLOW_DELIVERY_QUEUE",
    "expense": "BILLFLOW_EXPENSE_QUEUE",
    "statements": "BILLFLOW_STATEMENTS_QUEUE",
    "webhooks": "BILLFLOW_WEBHOOKS_QUEUE",
    "upload": "BILLFLOW_UPLOAD_QUEUE",
    "planning": "BILLFLOW_PLANNING_QUEUE",
}

# The only actions allowed on every resource: they have no resource-level permissions in IAM.
UNSCOPABLE_ACTIONS = {"extractor": {"textract:AnalyzeExpense"}}

QUEUE_REF = re.compile(r"^\$\{module\.([a-z_]+)_queue\.arn\}$")


def _environment(service: str) -> dict[str, str]:
    env = resolve(labelled("module")[service]["environment"])
    assert isinstance(env, dict)
    return env


def _statements(service: str) -> list[dict[str, Any]]:
    module = labelled("module")[service]
    assert unwrap(module["policy_json"]) == f"${{data.aws_iam_policy_document.{service}.json}}"
    doc = labelled("data", "aws_iam_policy_document")[service]
    statements = doc["statement"]
    assert isinstance(statements, list)
    return statements


def _without_interpolations(template: str) -> str:
    """``billflow-${var.environment}-render`` -> ``billflow-render``."""
    return re.sub(r"-?\$\{[^}]+\}", "", template)


# --- environment ------------------------------------------------------------------------------


def test_the_deploy_only_names_are_few_and_not_already_settings() -> None:
    assert len(DEPLOY_ONLY_NAMES) <= 3
    assert not set(DEPLOY_ONLY_NAMES) & settings_names()


@pytest.mark.parametrize("service", SERVICES)
def test_every_environment_name_on_a_function_is_one_its_service_reads(service: str) -> None:
    unknown = set(_environment(service)) - service_names(service) - set(DEPLOY_ONLY_NAMES)
    assert not unknown, f"{service} is given names its code does not read: {sorted(unknown)}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_setting_without_a_default_is_set_on_the_function(service: str) -> None:
    env = _environment(service)
    for struct in service_structs(service):
        assert required_names(struct) <= set(env), f"{service}: {struct.__name__}"


@pytest.mark.parametrize("service", SERVICES)
def test_literal_environment_values_load_into_the_services_settings(service: str) -> None:
    literal = {k: v for k, v in _environment(service).items() if "${" not in v}
    literal.setdefault("DATABASE_URL", "postgresql://user@db:5432/billflow")
    for struct in service_structs(service):
        settings.load(struct, literal)  # raises SettingsError on a value the code cannot read


@pytest.mark.parametrize("service", SERVICES)
def test_no_secret_value_sits_in_a_functions_environment(service: str) -> None:
    env = _environment(service)
    for name in ("SMTP_PASSWORD", "SMTP_USERNAME", "BILLFLOW_JWT_SECRET", "BILLFLOW_ADMIN_PASSWORD"):
        assert name not in env, f"{name} must come from the secret named by BILLFLOW_SECRETS_ARN"
    assert "AWS_REGION" not in env, "Lambda reserves AWS_REGION and sets it itself"
    url = resolve(env["DATABASE_URL"])
    assert re.match(r"^postgresql://[^:@/]+@", url), "DATABASE_URL must carry a user but no password"
    assert "sslmode=require" in url


def test_the_secrets_hold_settings_names_only() -> None:
    versions = labelled("resource", "aws_secretsmanager_secret_version")
    assert set(versions) == {"api", "emailer"}
    for name, body in versions.items():
        # hcl2 renders jsonencode({...}) with the map's keys quoted
        keys = set(re.findall(r"'([A-Z][A-Z0-9_]+)':", unwrap(body["secret_string"])))
        assert keys, name
        assert keys <= settings_names(), f"secret {name}: {sorted(keys - settings_names())}"
        assert f"${{aws_secretsmanager_secret.{name}.arn}}" == _environment(name)["BILLFLOW_SECRETS_ARN"]


def test_the_emailer_sends_from_the_sender_address_through_ses_with_starttls() -> None:
    env = _environment("emailer")
    assert env["SMTP_HOST"] == "email-smtp.${var.region}.amazonaws.com"
    assert env["SMTP_PORT"] == "587"
    assert env["SMTP_STARTTLS"] == "true"
    assert "${var.sender_address}" in env["BILLFLOW_MAIL_FROM"]


# --- queues and bucket ------------------------------------------------------------------------


def test_every_queue_and_bucket_the_code_defaults_to_exists_in_terraform() -> None:
    queues = defaults(settings.QueueSettings)
    bucket = defaults(settings.StorageSettings).bucket
    names = {key: _without_interpolations(t) for key, t in root_locals()["queue_names"].items()}
    assert names["render"] == queues.render_queue
    assert names["delivery"] == queues.delivery_queue
    assert names["expense"] == queues.expense_queue
    assert names["statements"] == queues.statements_queue
    assert names["webhooks"] == queues.webhooks_queue
    assert names["upload"] == queues.upload_queue
    assert names["planning"] == queues.planning_queue
    assert _without_interpolations(root_locals()["default_bucket_name"]) == bucket
    documents = labelled("resource", "aws_s3_bucket")["documents"]
    assert unwrap(documents["bucket"]) == "${local.bucket_name}"


def test_each_queue_module_is_named_from_its_queue_name() -> None:
    modules = labelled("module")
    for key in ("render", "delivery", "statements", "expense", "upload", "planning"):
        module = modules[f"{key}_queue"]
        assert unwrap(module["source"]) == "./modules/queue"
        assert unwrap(module["name"]) == f"${{local.queue_names.{key}}}"
        assert unwrap(module["max_receive_count"]) == "${var.max_receive_count}"


def test_every_queue_has_a_dead_letter_queue_named_as_the_dev_stack_names_it() -> None:
    queues = labelled("resource", "aws_sqs_queue", TERRAFORM / "modules" / "queue")
    assert unwrap(queues["dlq"]["name"]) == "${var.name}-dlq"
    redrive = unwrap(queues["main"]["redrive_policy"])
    assert "'deadLetterTargetArn': '${aws_sqs_queue.dlq.arn}'" in redrive
    assert "'maxReceiveCount': '${var.max_receive_count}'" in redrive
    assert unwrap(queues["main"]["sqs_managed_sse_enabled"]) is True
    assert unwrap(queues["dlq"]["sqs_managed_sse_enabled"]) is True
    provision = (ROOT / "tools/devstack/src/billflow/devstack/provision.py").read_text()
    assert 'f"{name}-dlq"' in provision


def test_max_receive_count_default_equals_the_codes() -> None:
    variable = labelled("variable")["max_receive_count"]
    assert unwrap(variable["default"]) == defaults(settings.QueueSettings).max_receives


def test_visibility_timeouts_are_six_times_the_consumers_timeout() -> None:
    local = root_locals()
    assert local["render_visibility_seconds"] == "${6 * var.pdf_worker_function.timeout_seconds}"
    assert local["delivery_visibility_seconds"] == "${6 * var.emailer_function.timeout_seconds}"
    assert local["statements_visibility_seconds"] == "${6 * var.emailer_function.timeout_seconds}"
    assert local["expense_visibility_seconds"] == "${6 * var.extractor_function.timeout_seconds}"
    assert local["upload_visibility_seconds"] == "${6 * var.extractor_function.timeout_seconds}"
    assert local["planning_visibility_seconds"] == "${6 * var.planner_function.timeout_seconds}"
    modules = labelled("module")
    for key in ("render", "delivery", "statements", "expense", "upload", "planning"):
        assert unwrap(modules[f"{key}_queue"]["visibility_timeout_seconds"]) == (
            f"${{local.{key}_visibility_seconds}}"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_each_function_names_the_queues_it_uses(service: str) -> None:
    env = _environment(service)
    for queue in QUEUE_ACTIONS[service]:
        assert env[QUEUE_SETTING[queue]] == f"${{module.{queue}_queue.name}}"
    assert env["BILLFLOW_BUCKET"] == "${aws_s3_bucket.documents.id}"


@pytest.mark.parametrize("service", [s for s in CONSUMES if s != "webhooks"])
def test_workers_set_max_receives_to_the_redrive_count(service: str) -> None:
    assert _environment(service)["BILLFLOW_MAX_RECEIVES"] == "${tostring(var.max_receive_count)}"


def test_the_webhooks_queue_keeps_a_message_through_24_hours_of_retries() -> None:
    """Its message stays while deliveries retry, so its redrive allows the code's own count."""
    assert root_locals()["webhooks_max_receive_count"] == settings.WEBHOOKS_MAX_RECEIVES
    module = labelled("module")["webhooks_queue"]
    assert unwrap(module["max_receive_count"]) == "${local.webhooks_max_receive_count}"
    assert unwrap(module["visibility_timeout_seconds"]) == "${local.webhooks_visibility_seconds}"
    assert root_locals()["webhooks_visibility_seconds"] == "${6 * var.webhooks_function.timeout_seconds}"
    assert unwrap(module["message_retention_seconds"]) > 24 * 3600
    env = _environment("webhooks")
    assert env["BILLFLOW_MAX_RECEIVES"] == "${tostring(local.webhooks_max_receive_count)}"
    assert "BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK" not in env


def test_only_the_webhooks_deliverer_runs_in_the_subnets_routed_to_the_internet() -> None:
    """ha: the deliverer alone is in the egress subnets (through the NAT gateway); lean: no VPC,
    no NAT, for every function alike."""
    modules = labelled("module")
    for service in SERVICES:
        subnets = unwrap(modules[service]["subnet_ids"])
        expected = (
            "${local.ha ? aws_subnet.egress[*].id : []}"
            if service == "webhooks"
            else "${local.function_subnet_ids}"
        )
        assert subnets == expected, service
    routes = labelled("resource", "aws_route")
    assert unwrap(routes["egress_to_nat"]["route_table_id"]) == "${aws_route_table.egress[0].id}"
    for route in routes.values():
        assert unwrap(route["count"]) == "${local.ha ? 1 : 0}", "the NAT's routes exist in ha only"
    for nat in labelled("resource", "aws_nat_gateway").values():
        assert unwrap(nat["count"]) == "${local.ha ? 1 : 0}", "no NAT gateway in lean"


# --- handlers and event source mappings -------------------------------------------------------


def test_the_lambda_handlers_are_the_agreed_ones() -> None:
    assert root_locals()["lambda_handlers"] == HANDLERS
    for service in SERVICES:
        assert strings(labelled("module")[service]["command"]) == [HANDLERS[service]]


@pytest.mark.parametrize("service", SERVICES)
def test_each_handler_lives_in_its_services_package(service: str) -> None:
    module_path, _, function = HANDLERS[service].rpartition(".")
    package = module_path.rpartition(".")[0]
    assert package == SERVICE_PACKAGES[service]
    assert importlib.util.find_spec(package) is not None
    # The handler modules are the code side's to add; once one exists, it must hold the function.
    if importlib.util.find_spec(module_path) is not None:
        assert callable(getattr(importlib.import_module(module_path), function))


def test_the_lambda_entry_point_is_the_runtime_client_in_the_images_venv() -> None:
    entry = strings(root_locals()["lambda_entry_point"])
    assert entry == ["/opt/venv/bin/python", "-m", "awslambdaric"]
    for dockerfile in ROOT.glob("services/*/Dockerfile"):
        text = dockerfile.read_text()
        assert "python -m venv /opt/venv" in text, dockerfile
        assert "awslambdaric" in text, dockerfile


def test_workers_consume_their_queue_with_partial_batch_failures() -> None:
    mapping = labelled("resource", "aws_lambda_event_source_mapping", TERRAFORM / "modules" / "function")
    body = mapping["queue"]
    assert unwrap(body["function_response_types"]) == "ReportBatchItemFailures"
    scaling = unwrap(body["scaling_config"])
    assert unwrap(scaling["maximum_concurrency"]) == "${var.queue.maximum_concurrency}"
    modules = labelled("module")
    for service, queue in CONSUMES.items():
        spec = unwrap(modules[service]["queue"])
        assert spec["arn"] == f"${{module.{queue}_queue.arn}}"
        assert {"batch_size", "maximum_concurrency"} <= set(spec)
    assert "queue" not in modules["api"]


def test_the_emailer_also_consumes_the_statements_queue_within_its_reserved_concurrency() -> None:
    mapping = labelled("resource", "aws_lambda_event_source_mapping")["emailer_statements"]
    assert unwrap(mapping["event_source_arn"]) == "${module.statements_queue.arn}"
    assert unwrap(mapping["function_name"]) == "${module.emailer.function_arn}"
    assert unwrap(mapping["function_response_types"]) == "ReportBatchItemFailures"
    statements_share = unwrap(unwrap(mapping["scaling_config"])["maximum_concurrency"])
    delivery = unwrap(labelled("module")["emailer"]["queue"])
    assert statements_share == 2
    assert delivery["maximum_concurrency"] == "${var.emailer_function.reserved_concurrency - 2}"


def test_the_extractor_reads_with_textract() -> None:
    env = _environment("extractor")
    assert env["BILLFLOW_DOCUMENT_READER"] == "textract"
    # No NAT: Textract is reached through its interface endpoint, like SQS and Secrets Manager.
    assert "'textract'" in unwrap(root_locals()["interface_endpoints"])


@pytest.mark.parametrize("service", SERVICES)
def test_every_function_has_reserved_concurrency(service: str) -> None:
    value = unwrap(labelled("module")[service]["reserved_concurrency"])
    assert value == f"${{var.{service}_function.reserved_concurrency}}"


# --- IAM --------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_each_function_may_do_exactly_its_queue_actions(service: str) -> None:
    granted: dict[str, set[str]] = {}
    for statement in _statements(service):
        actions = strings(statement["actions"])
        sqs_actions = {a for a in actions if a.startswith("sqs:")}
        if not sqs_actions:
            continue
        assert sqs_actions == set(actions), "keep SQS actions in statements of their own"
        for resource in strings(statement["resources"]):
            match = QUEUE_REF.match(resource)
            assert match, f"{service}: SQS actions on {resource}"
            granted.setdefault(match.group(1), set()).update(sqs_actions)
    assert granted == QUEUE_ACTIONS[service]


@pytest.mark.parametrize("service", SERVICES)
def test_each_function_may_do_exactly_its_bucket_actions_under_each_prefix(service: str) -> None:
    granted: dict[str, set[str]] = {}
    for statement in _statements(service):
        actions = strings(statement["actions"])
        s3_actions = {a for a in actions if a.startswith("s3:")}
        if not s3_actions:
            continue
        assert s3_actions == set(actions), "keep S3 actions in statements of their own"
        for resource in strings(statement["resources"]):
            assert resource in {INVOICES, EXPENSES, UPLOADS, BUCKET}, f"{service}: S3 actions on {resource}"
            granted.setdefault(resource, set()).update(s3_actions)
    assert granted == BUCKET_ACTIONS[service]


def test_the_invoice_prefix_is_where_the_domain_files_pdfs() -> None:
    prefix = root_locals()["invoice_prefix"]
    assert pdf_key("2026-0001", date(2026, 1, 31)).startswith(prefix)


def test_the_expense_prefix_is_where_the_domain_files_uploads() -> None:
    prefix = root_locals()["expense_prefix"]
    uploaded_at = datetime(2026, 1, 31, tzinfo=UTC)
    key = file_key("0190a5f2-0000-7000-8000-000000000001", "application/pdf", uploaded_at)
    assert key.startswith(prefix)


def test_direct_uploads_land_under_the_prefix_s3_notifies_the_upload_queue_of() -> None:
    prefix = root_locals()["upload_prefix"]
    assert prefix == UPLOAD_PREFIX
    assert upload_key("0190a5f2-0000-7000-8000-000000000001", "image/png", datetime(2026, 1, 31)).startswith(
        prefix
    )
    notification = labelled("resource", "aws_s3_bucket_notification")["uploads"]
    queue = unwrap(notification["queue"])
    assert unwrap(queue["queue_arn"]) == "${module.upload_queue.arn}"
    assert strings(queue["events"]) == ["s3:ObjectCreated:*"]
    assert unwrap(queue["filter_prefix"]) == "${local.upload_prefix}"
    # S3 may send to the upload queue, and only this bucket's notifications.
    assert (
        unwrap(labelled("module")["upload_queue"]["allowed_s3_bucket_arn"])
        == "${aws_s3_bucket.documents.arn}"
    )


def test_the_extractor_also_consumes_the_upload_queue_with_partial_batch_failures() -> None:
    mapping = labelled("resource", "aws_lambda_event_source_mapping")["extractor_uploads"]
    assert unwrap(mapping["event_source_arn"]) == "${module.upload_queue.arn}"
    assert unwrap(mapping["function_name"]) == "${module.extractor.function_arn}"
    assert unwrap(mapping["function_response_types"]) == "ReportBatchItemFailures"
    assert unwrap(unwrap(mapping["scaling_config"])["maximum_concurrency"]) == 2


DATABASE_SECRET = {
    "ha": "${aws_db_instance.main[0].master_user_secret[0].secret_arn}",
    "lean": "${aws_rds_cluster.lean[0].master_user_secret[0].secret_arn}",
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("service", SERVICES)
def test_each_function_reads_only_its_own_secrets(service: str, profile: str) -> None:
    own = {DATABASE_SECRET[profile]}
    if service in {"api", "emailer"}:
        own.add(f"${{aws_secretsmanager_secret.{service}.arn}}")
    for statement in _statements(service):
        if any(a.startswith("secretsmanager:") for a in strings(statement["actions"])):
            assert strings(statement["actions"]) == ["secretsmanager:GetSecretValue"]
            assert {on_profile(r, profile) for r in strings(statement["resources"])} == own


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_policy_uses_wildcards(service: str) -> None:
    for statement in _statements(service):
        actions = strings(statement["actions"])
        for action in actions:
            assert "*" not in action, f"{service}: {action}"
        if set(actions) <= UNSCOPABLE_ACTIONS.get(service, set()):
            continue  # no resource-level permissions exist for these: "*" is all IAM accepts
        for resource in strings(statement["resources"]):
            assert resource != "*", f"{service}: a statement on every resource"


def test_the_extractor_may_analyse_expenses_in_its_region_only() -> None:
    [statement] = [s for s in _statements("extractor") if "textract:AnalyzeExpense" in strings(s["actions"])]
    assert strings(statement["actions"]) == ["textract:AnalyzeExpense"]
    condition = unwrap(statement["condition"])
    assert unwrap(condition["variable"]) == "aws:RequestedRegion"
    assert strings(condition["values"]) == ["${var.region}"]


def test_settings_names_are_read_from_msgspec_field_names() -> None:
    # Guards the helper the other tests rely on: it must see the renamed fields, not Python names.
    names = settings_names()
    assert {"DATABASE_URL", "BILLFLOW_BUCKET", "SMTP_HOST", "BILLFLOW_MAIL_FROM"} <= names
    assert "database_url" not in names


# --- profiles (docs/decisions/0032) ------------------------------------------------------------

# What is billed by the hour whether used or not: ha only. lean's database pauses at 0 ACU.
HOURLY = {
    "aws_db_instance": "main",
    "aws_db_proxy": "main",
    "aws_vpc_endpoint": "interface",
}
LEAN_ONLY = {"aws_rds_cluster": "lean", "aws_rds_cluster_instance": "lean", "aws_internet_gateway": "lean"}


def _gate(type_: str, name: str) -> str:
    body = labelled("resource", type_)[name]
    return str(unwrap(body.get("count", body.get("for_each", ""))))


def test_the_profile_is_lean_or_ha_and_ha_by_default() -> None:
    variable = labelled("variable")["profile"]
    assert unwrap(variable["default"]) == "ha"
    validation = unwrap(variable["validation"])
    condition = unwrap(validation["condition"]).replace('"', "'").replace(" ", "")
    assert condition == "${contains(['lean','ha'],var.profile)}"
    assert root_locals()["lean"].replace('"', "'").replace(" ", "") == "${var.profile=='lean'}"


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_has_exactly_its_own_database_and_nothing_hourly_in_lean(profile: str) -> None:
    for type_, name in HOURLY.items():
        gate = _gate(type_, name)
        assert gate.startswith("${local.ha ?"), f"{type_}.{name} must exist in ha only: {gate}"
    for type_, name in LEAN_ONLY.items():
        assert _gate(type_, name).startswith("${local.lean ?"), f"{type_}.{name} is lean's"
    # The one NAT gateway is the webhooks deliverer's way out in ha (decision 0028); lean has none.
    for nat in labelled("resource", "aws_nat_gateway").values():
        assert unwrap(nat["count"]) == "${local.ha ? 1 : 0}"
    host = on_profile(root_locals()["database_host"], profile)
    assert (
        host
        == {"ha": "${aws_db_proxy.main[0].endpoint}", "lean": "${aws_rds_cluster.lean[0].endpoint}"}[profile]
    )


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("service", SERVICES)
def test_functions_run_in_the_private_subnets_in_ha_and_outside_any_vpc_in_lean(
    service: str, profile: str
) -> None:
    module = labelled("module")[service]
    if service == "webhooks":  # its own egress subnets in ha, nothing in lean (the test above)
        assert (
            on_profile(unwrap(module["subnet_ids"]), profile)
            == {
                "ha": "${aws_subnet.egress[*].id}",
                "lean": "${[]}",
            }[profile]
        )
        return
    assert unwrap(module["subnet_ids"]) == "${local.function_subnet_ids}"
    subnets = on_profile(root_locals()["function_subnet_ids"], profile)
    assert subnets == {"ha": "${aws_subnet.private[*].id}", "lean": "${[]}"}[profile]
    function = labelled("resource", "aws_lambda_function", TERRAFORM / "modules" / "function")["this"]
    dynamic = unwrap(function["dynamic"])
    assert "vpc_config" in dynamic, "vpc_config only when subnets are given"


def test_the_lean_database_scales_to_zero_and_forces_tls() -> None:
    cluster = labelled("resource", "aws_rds_cluster")["lean"]
    scaling = unwrap(cluster["serverlessv2_scaling_configuration"])
    assert unwrap(scaling["min_capacity"]) == 0
    assert unwrap(scaling["seconds_until_auto_pause"]) == "${var.lean_db_seconds_until_auto_pause}"
    assert unwrap(cluster["storage_encrypted"]) is True
    assert unwrap(cluster["manage_master_user_password"]) is True
    parameters = labelled("resource", "aws_rds_cluster_parameter_group")["lean"]["parameter"]
    assert {"name": "rds.force_ssl", "value": "1"} in [
        {k: unwrap(v) for k, v in p.items()} for p in parameters
    ]
