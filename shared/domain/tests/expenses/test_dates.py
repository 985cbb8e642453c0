from __future__ import annotations

from datetime import date

import pytest

from billflow.domain.expenses.dates import find_dates, numeric_order

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2021-01-01", date(2021, 1, 1)),
        ("Date : 28/11/2022", date(2022, 11, 28)),
        ("03/20/2023", date(2023, 3, 20)),
        ("Invoice Date: August 3 , 2014", date(2014, 8, 3)),
        ("Invoice Date  August 3. 2014", date(2014, 8, 3)),  # the comma read as a full stop
        ("Jan 1, 2022", date(2022, 1, 1)),
        ("7. Mai 2014", date(2014, 5, 7)),
        ("Factuurdatum: 29 maart 2014", date(2014, 3, 29)),
        ("du 02 Juillet 2015", date(2015, 7, 2)),
        ("12 października 2021", date(2021, 10, 12)),
        ("Orderdatum 19april2014", date(2014, 4, 19)),
        ("1er février 2020", date(2020, 2, 1)),
        ("20.10.15", date(2015, 10, 20)),
    ],
)
def test_dates_are_read_in_the_common_printed_forms(printed: str, expected: date) -> None:
    assert [d.value for d in find_dates(printed, numeric_order(printed))] == [expected]


def test_an_ambiguous_numeric_date_takes_its_order_from_another_date_in_the_document() -> None:
    text = "Issued 03/04/2023, due 03/19/2023"
    order = numeric_order(text)
    assert order == "MDY"
    assert [d.value for d in find_dates(text, order)] == [date(2023, 3, 4), date(2023, 3, 19)]
    assert all(d.certain for d in find_dates(text, order))


def test_an_ambiguous_date_with_nothing_to_settle_it_follows_the_hint_and_is_not_certain() -> None:
    (day_first,) = find_dates("03/04/2023", None, hint="DMY")
    (month_first,) = find_dates("03/04/2023", None, hint="MDY")
    assert (day_first.value, month_first.value) == (date(2023, 4, 3), date(2023, 3, 4))
    assert not day_first.certain


def test_impossible_dates_and_identifiers_are_not_dates() -> None:
    assert find_dates("31/02/2023 INV/2023/03/0008 Mail 2014 version 1.2.3") == []
