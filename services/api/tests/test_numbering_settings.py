"""Number formats and reminder days are checked when the API's settings are read (at start-up)."""

from __future__ import annotations

import pytest

from billflow.api.main import Settings
from billflow.platform.settings import NumberingSettings, ReminderSettings, SettingsError, load

pytestmark = pytest.mark.unit

BASE = {"DATABASE_URL": "postgresql://u@localhost/db"}


def test_the_default_formats_number_invoices_and_credit_notes_in_their_own_series() -> None:
    numbering = Settings.from_env(BASE).numbering
    assert numbering.invoices.format(2026, 42) == "INV-2026-000042"
    assert numbering.credit_notes.format(2026, 7) == "CN-2026-000007"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("BILLFLOW_INVOICE_NUMBER_FORMAT", "INV-{seq:06d}", "lacks {year}"),
        ("BILLFLOW_CREDIT_NOTE_NUMBER_FORMAT", "CN-{year}-{seq:.0}", "cannot print"),
        ("BILLFLOW_INVOICE_NUMBER_FORMAT", "INV-{year}-{n}", "names {n}"),
    ],
)
def test_a_format_that_could_repeat_a_number_stops_the_start_with_the_reason(
    variable: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsError) as e:
        Settings.from_env({**BASE, variable: value})
    assert variable in str(e.value)
    assert says in str(e.value)


def test_a_custom_format_is_taken_as_given() -> None:
    numbering = load(NumberingSettings, {"BILLFLOW_INVOICE_NUMBER_FORMAT": "{year}/F{seq:05d}"})
    assert numbering.invoices.format(2026, 3) == "2026/F00003"


def test_reminder_days_must_be_increasing_positive_days() -> None:
    assert load(ReminderSettings, {}).days == (7, 21, 45)
    assert load(ReminderSettings, {"BILLFLOW_REMINDER_DAYS": "3, 10"}).days == (3, 10)
    with pytest.raises(SettingsError, match="BILLFLOW_REMINDER_DAYS"):
        load(ReminderSettings, {"BILLFLOW_REMINDER_DAYS": "21,7"})
