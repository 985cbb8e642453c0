"""The vendor memory on garbled readings: OCR confusions, near names, identifiers, false matches."""

from __future__ import annotations

import random

import pytest

from billflow.domain.expenses import DocumentText, Field, extract_fields
from billflow.domain.expenses.vendor_memory import (
    KnownVendor,
    VendorSignature,
    identifiers,
    learn,
    recognise,
    signature,
)
from domain_fakes import FixedClock

pytestmark = pytest.mark.unit

NOW = FixedClock().now()
BUYER = (
    "Bill to:\nBillflow Consulting BV\nKeizersgracht 12 Amsterdam\n"
    "VAT: NL 0012.34.567.B01\nTel: +31 20 555 0199\n"
)
"""The company's own block: on every vendor's invoice to it."""

_SYLLABLES = [
    "kar",
    "vel",
    "dun",
    "mor",
    "tis",
    "bra",
    "lon",
    "quen",
    "sor",
    "fal",
    "gri",
    "pem",
    "hux",
    "zad",
]
_STREETS = ("Harbour Road", "Mill Lane", "Station Square", "Quay Street", "Orchard Way", "Bridge Row")
_TOWNS = ("Gdynia", "Leeds", "Utrecht", "Lyon", "Porto", "Graz", "Bergen", "Aarhus", "Turin", "Cork")


def _vendors(count: int, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    made: list[dict[str, str]] = []
    while len(made) < count:
        name = "".join(rng.sample(_SYLLABLES, 3)).capitalize()
        if any(v["name"] == name for v in made):
            continue
        digits = "".join(str(rng.randrange(10)) for _ in range(9))
        made.append(
            {
                "name": name,
                "kind": rng.choice(("Trading Ltd", "Systems GmbH", "Supplies B.V.", "Works SARL")),
                "street": f"{rng.choice(_STREETS)} {rng.randrange(1, 99)}",
                "town": rng.choice(_TOWNS),
                "vat": f"DE{digits}",
                "iban": f"DE{rng.randrange(10, 99)}{''.join(str(rng.randrange(10)) for _ in range(18))}",
                "phone": f"+49 {digits[:3]} {digits[3:]}",
            }
        )
    return made


def _invoice(v: dict[str, str], number: int) -> str:
    return (
        f"{v['name']} {v['kind']}\n{v['street']} {v['town']}\nwww.{v['name'].lower()}.de\n"
        f"Invoice number: {number}\nDate: 2026-11-0{number % 9 + 1}\n{BUYER}"
        f"Services rendered  {number}.00\nTotal: € {number}.00\n"
        f"IBAN: {v['iban']}  VAT: {v['vat']}  Tel: {v['phone']}\n"
    )


def _garbled(text: str, rng: random.Random, share: float = 0.12) -> str:
    """As a blurred scan reads: letters taken for their look-alikes, here and there."""
    swaps = {"o": "0", "l": "1", "i": "l", "e": "c", "a": "o", "S": "5", "O": "0", "B": "8", "m": "rn"}
    return "".join(swaps[c] if c in swaps and rng.random() < share else c for c in text)


def _seen(text: str, name: str | None, confidence: float) -> VendorSignature:
    return signature(DocumentText(text), Field(name, confidence))


def test_identifiers_are_web_and_mail_domains_ibans_and_phone_numbers() -> None:
    text = (
        "Visit www.kestrel-marine.co.uk or mail sales@kestrelmail.com (not me@gmail.com)\n"
        "IBAN: GB29 NWBK 6016 1331 9268 19\nTel.: +44 (0)20 7946 0958\nPhone 020-7946-0321\n"
    )
    assert identifiers(text) == (
        "iban:GB29NWBK60161331926819",
        "tel:079460321",
        "tel:079460958",
        "web:kestrel-marine",
        "web:kestrelmail",
    )


def test_an_id_misread_with_look_alike_letters_or_one_wrong_character_is_still_the_vendor() -> None:
    known = learn(None, "Kestrel", _seen("Kestrel Ltd\nVAT: NL810433941B01", "Kestrel Ltd", 0.9), NOW)
    for misread in ("NL81O433941BO1", "NL8104339418O1", "NL810433947B01"):
        found = recognise(_seen(f"Somebody\nVAT: {misread}", "Somebody", 0.9), [known])
        assert (found.value if found else None) == "Kestrel", misread
    assert recognise(_seen("Somebody\nVAT: NL810499999B01", "Somebody", 0.9), [known]) is None


def test_a_name_or_letterhead_nearly_as_known_names_the_vendor() -> None:
    first = "Kestrel Marine Supplies Ltd\nHarbour Road 7 Gdynia\nTotal 10.00"
    known = learn(None, "Kestrel Marine", _seen(first, "Kestrel Marine Supplies Ltd", 0.9), NOW)
    near = recognise(_seen("x", "Kestre1 Marlne Supp1ies", 0.8), [known])
    assert near is not None
    assert near.value == "Kestrel Marine"
    letterhead = recognise(_seen("Kcstrel Marinc\nHarb0ur Road 7 Gdynla\n", "Harb0ur", 0.3), [known])
    assert letterhead is not None
    assert letterhead.value == "Kestrel Marine"
    assert recognise(_seen("x", "Northwind Traders", 0.9), [known]) is None


def test_the_vendor_of_a_later_upload_is_known_again_through_garbled_readings() -> None:
    vendors = _vendors(12)
    memory = [
        learn(None, v["name"], _seen(_invoice(v, 1), f"{v['name']} {v['kind']}", 0.9), NOW) for v in vendors
    ]
    rng = random.Random(1)
    for v in vendors:
        for number in (2, 3, 4):
            text = _garbled(_invoice(v, number), rng)
            found = recognise(_seen(text, text.splitlines()[0], 0.5), memory)
            assert (found.value if found else None) == v["name"], text


def test_a_vendor_not_in_memory_is_not_named_as_one_of_the_eleven_it_knows() -> None:
    """Their invoices share the company's own block (name, address, VAT id, phone) and the towns
    and streets some of them are in; none of that may pass for a vendor's identity."""
    vendors = _vendors(12)
    rng = random.Random(2)
    for stranger in vendors:
        memory = [
            learn(None, v["name"], _seen(_invoice(v, 1), f"{v['name']} {v['kind']}", 0.9), NOW)
            for v in vendors
            if v is not stranger
        ]
        for number in (2, 3):
            for text in (_invoice(stranger, number), _garbled(_invoice(stranger, number), rng)):
                for name, confidence in (
                    (text.splitlines()[0], 0.9),
                    (text.splitlines()[0], 0.4),
                    (None, 0.0),
                ):
                    assert recognise(_seen(text, name, confidence), memory) is None, (stranger["name"], text)


def test_what_two_known_vendors_both_show_is_no_evidence_for_either() -> None:
    """The company's VAT id printed outside a recognised buyer's block, on two vendors' invoices."""
    ours = "Our VAT: NL001234567B01\n"
    a = learn(None, "Alpha", _seen("Alpha Ltd\n" + ours, "Alpha Ltd", 0.9), NOW)
    b = learn(None, "Beta", _seen("Beta GmbH\n" + ours, "Beta GmbH", 0.9), NOW)
    assert recognise(_seen("Gamma SA\n" + ours, "Gamma SA", 0.9), [a, b]) is None


def test_the_identifiers_are_kept_with_the_header_words_and_bounded() -> None:
    known: KnownVendor | None = None
    for n in range(30):
        known = learn(known, "Kestrel", _seen(f"Kestrel\nTel: +44 20 7946 {n:04d}\n", "Kestrel", 0.9), NOW)
    assert known is not None
    assert len(known.identifiers) == 20
    assert "tel:079460029" in known.identifiers
    assert "kestrel" in known.words


def test_the_rules_read_past_a_smudge_after_a_seller_label_and_know_a_garbled_brand() -> None:
    below = (
        "Retail Invoice\nOrdered Through :      eon      on\nShopkart.com Customer Care : 1800\nTotal 10.00\n"
    )
    assert extract_fields(below).vendor.value == "Shopkart"
    garbled = "Retail Invoice\nOrdered Through : Sshop kart...\nwww.shopkart.com/support\nTotal 10.00\n"
    assert extract_fields(garbled).vendor.value == "Shopkart"
    acronym = "PAYMENT RECEIPT\nPayment received by OYQ  Paid through Cash\nBalance ( if any )  Rs 0\n"
    assert extract_fields(acronym).vendor.value == "OYQ"
    smudge = "Rechnung\ner\nQuellwerk AG\nGesamtbetrag 10,00 EUR\n"
    assert extract_fields(smudge).vendor.value == "Quellwerk AG"
