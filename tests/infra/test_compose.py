"""docker-compose.localstack.yml agrees with the code and with `make run` (no Docker engine here).

Parsed with PyYAML: environment names against shared/platform settings.py and the dev stack's own
environment, commands against real modules, ports and hosts against the URLs that name them.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from billflow.devstack.stack import local_environment
from billflow.platform import settings
from tests.infra.code import STANDARD_NAMES, defaults, settings_names
from tests.infra.terraform import ROOT

pytestmark = pytest.mark.contract

COMPOSE = ROOT / "docker-compose.localstack.yml"

# Compose service -> the module it runs (python -m ...).
BILLFLOW_SERVICES = {
    "api": "billflow.api",
    "pdf-worker": "billflow.pdf_worker",
    "emailer": "billflow.emailer",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    with COMPOSE.open() as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "use the mapping form, so names can be checked"
    return {k: str(v) for k, v in env.items()}


def _published(service: dict[str, Any]) -> dict[int, int]:
    """container port -> host port."""
    out: dict[int, int] = {}
    for spec in service.get("ports", []):
        parts = str(spec).split(":")
        out[int(parts[-1])] = int(parts[-2])
    return out


def test_the_stack_has_every_part(services: dict[str, Any]) -> None:
    # The planner runs the API's image with its own command (decision 0031).
    assert set(services) == {"postgres", "localstack", "mail", "prepare", "planner", *BILLFLOW_SERVICES}


def test_third_party_images_are_pinned(services: dict[str, Any]) -> None:
    assert services["localstack"]["image"] == "localstack/localstack:4.13.1"
    assert re.fullmatch(r"postgres:16\.\d+-bookworm", services["postgres"]["image"])
    assert re.fullmatch(r"axllent/mailpit:v\d+\.\d+\.\d+", services["mail"]["image"])


@pytest.mark.parametrize("name", ["prepare", *BILLFLOW_SERVICES])
def test_every_variable_a_billflow_container_gets_is_one_the_code_reads(
    services: dict[str, Any], name: str
) -> None:
    unknown = set(_env(services[name])) - settings_names() - STANDARD_NAMES
    assert not unknown, f"{name}: {sorted(unknown)}"


@pytest.mark.parametrize("name", ["prepare", *BILLFLOW_SERVICES])
def test_containers_get_every_name_make_run_sets(services: dict[str, Any], name: str, tmp_path: Path) -> None:
    make_run, _ = local_environment({}, tmp_path)
    missing = set(make_run) - set(_env(services[name]))
    assert not missing, f"{name} lacks what `make run` sets: {sorted(missing)}"


@pytest.mark.parametrize("name", ["prepare", *BILLFLOW_SERVICES])
def test_values_load_into_the_settings(services: dict[str, Any], name: str) -> None:
    env = _env(services[name])
    for struct in (
        settings.PostgresSettings,
        settings.AwsSettings,
        settings.QueueSettings,
        settings.StorageSettings,
        settings.SmtpSettings,
        settings.ApiSettings,
        settings.ConsumerSettings,
    ):
        settings.load(struct, env)


def test_queue_and_bucket_names_are_the_codes_defaults(services: dict[str, Any]) -> None:
    queues, storage = defaults(settings.QueueSettings), defaults(settings.StorageSettings)
    for name in ["prepare", *BILLFLOW_SERVICES]:
        env = _env(services[name])
        assert env["BILLFLOW_RENDER_QUEUE"] == queues.render_queue
        assert env["BILLFLOW_DELIVERY_QUEUE"] == queues.delivery_queue
        assert env["BILLFLOW_BUCKET"] == storage.bucket


@pytest.mark.parametrize(("name", "module"), BILLFLOW_SERVICES.items())
def test_each_service_runs_its_real_module(services: dict[str, Any], name: str, module: str) -> None:
    assert services[name]["command"] == ["python", "-m", module]
    assert importlib.util.find_spec(f"{module}.__main__") is not None
    dockerfile = ROOT / services[name]["build"]["dockerfile"]
    assert dockerfile.is_file()
    assert f'CMD ["python", "-m", "{module}"]' in dockerfile.read_text()


def test_prepare_runs_the_dev_stacks_prepare_from_the_api_dockerfile(services: dict[str, Any]) -> None:
    prepare = services["prepare"]
    assert prepare["command"] == ["python", "-m", "billflow.devstack", "prepare"]
    assert importlib.util.find_spec("billflow.devstack.__main__") is not None
    assert prepare["build"]["target"] == "prepare"
    assert re.search(r"^FROM \S+ AS prepare$", (ROOT / prepare["build"]["dockerfile"]).read_text(), re.M)
    for dependency in ("postgres", "localstack"):
        assert prepare["depends_on"][dependency]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", list(BILLFLOW_SERVICES))
def test_services_start_after_prepare_succeeded(services: dict[str, Any], name: str) -> None:
    assert services[name]["depends_on"]["prepare"]["condition"] == "service_completed_successfully"


def test_database_url_names_the_postgres_container(services: dict[str, Any]) -> None:
    url = urlparse(_env(services["api"])["DATABASE_URL"])
    postgres = _env(services["postgres"])
    assert url.hostname == "postgres"
    assert (url.port or 5432) == 5432
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_aws_endpoint_names_the_localstack_container(services: dict[str, Any]) -> None:
    url = urlparse(_env(services["api"])["AWS_ENDPOINT_URL"])
    assert url.hostname == "localstack"
    assert url.port in _published(services["localstack"])
    assert {"s3", "sqs"} <= set(_env(services["localstack"])["SERVICES"].split(","))


def test_smtp_names_the_mail_catcher_and_its_ui_is_published(services: dict[str, Any]) -> None:
    env = _env(services["emailer"])
    assert env["SMTP_HOST"] == "mail"
    mail_ports = _published(services["mail"])
    assert int(env["SMTP_PORT"]) in mail_ports
    assert 8025 in mail_ports  # Mailpit's web UI


def test_the_api_listens_where_it_is_published(services: dict[str, Any]) -> None:
    env = _env(services["api"])
    port = int(env["BILLFLOW_API_PORT"])
    assert port == defaults(settings.ApiSettings).port
    assert port in _published(services["api"])
    assert env["BILLFLOW_API_HOST"] == "0.0.0.0"
