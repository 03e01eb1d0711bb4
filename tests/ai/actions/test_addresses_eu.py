"""British, Irish and other European addresses read from a customer's words (pure functions):
the house number before or after the street's name, flat lines, the postcode before or after
the city, the country when it is named; postcodes checked against their country."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.addresses import address_in_two_pieces, address_piece, postal_address
from deskpilot.ai.actions.addresses_eu import country_name, eu_address, postcode_fits
from deskpilot.ai.actions.slots import fill_slots, stated_details

BAKER = {"address1": "12 Baker Street", "city": "London", "zip": "NW1 6XE"}
UK = "United Kingdom"


@pytest.mark.parametrize(("text", "expected"), [
    # the UK: number first, the postcode after the city, in its part or the next one
    ("Change the delivery address of BK-20417 to 12 Baker Street, London NW1 6XE", BAKER),
    ("12 Baker Street, London, NW1 6XE, United Kingdom", {**BAKER, "country": UK}),
    ("Flat 3, 221B Baker Street, London NW1 6XE, United Kingdom",
     {"address1": "221B Baker Street", "address2": "Flat 3", "city": "London", "zip": "NW1 6XE",
      "country": UK}),
    ("Change the address of #W0000001 to Flat 3, 221B Baker Street, London NW1 6XE, UK",
     {"address1": "221B Baker Street", "address2": "Flat 3", "city": "London", "zip": "NW1 6XE",
      "country": UK}),
    ("12 Baker Street, Flat 3, London NW1 6XE, England", {**BAKER, "address2": "Flat 3",
                                                           "country": UK}),
    ("Flat 3, 27 Gloucester Road, Bristol BS7 8AA",
     {"address1": "27 Gloucester Road", "address2": "Flat 3", "city": "Bristol",
      "zip": "BS7 8AA"}),
    ("27 Gloucester Road, Bishopston, Bristol BS7 8AA, Scotland",
     {"address1": "27 Gloucester Road", "address2": "Bishopston", "city": "Bristol",
      "zip": "BS7 8AA", "country": UK}),
    ("12 Baker Street London NW1 6XE", BAKER),
    ("12 baker street, london nw16xe", {**BAKER, "address1": "12 baker street", "city": "london"}),
    ("Street: 12 Baker Street. City: London. Postcode: NW1 6XE. Country: United Kingdom",
     {**BAKER, "country": UK}),
    ("new address: 5 Princes Street, Edinburgh EH2 2AN, Wales",
     {"address1": "5 Princes Street", "city": "Edinburgh", "zip": "EH2 2AN", "country": UK}),
    # Ireland: the Eircode after the city, a Dublin district
    ("1 Grafton Street, Dublin 2, D02 X285, Ireland",
     {"address1": "1 Grafton Street", "city": "Dublin 2", "zip": "D02 X285",
      "country": "Ireland"}),
    ("1 Grafton Street, Dublin D02X285",
     {"address1": "1 Grafton Street", "city": "Dublin", "zip": "D02 X285"}),
    # Denmark, Germany, France, the Netherlands: the street's name first, the postcode first
    ("Nørrebrogade 12, 2200 København N",
     {"address1": "Nørrebrogade 12", "city": "København N", "zip": "2200"}),
    ("Istedgade 8, 2. tv., 1650 København V, Danmark",
     {"address1": "Istedgade 8", "address2": "2. tv", "city": "København V", "zip": "1650",
      "country": "Denmark"}),
    ("Please send order #W0000001 to Nørrebrogade 12 2. tv, 2200 København N please",
     {"address1": "Nørrebrogade 12", "address2": "2. tv", "city": "København N", "zip": "2200"}),
    ("nørrebrogade 12, 2200 københavn n",
     {"address1": "nørrebrogade 12", "city": "københavn n", "zip": "2200"}),
    ("Hauptstraße 5, 10115 Berlin, Germany",
     {"address1": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "Germany"}),
    ("Hauptstraße 5a, 10115 Berlin Deutschland",
     {"address1": "Hauptstraße 5a", "city": "Berlin", "zip": "10115", "country": "Germany"}),
    ("new address: Kastanienallee 7, 10435 Berlin",
     {"address1": "Kastanienallee 7", "city": "Berlin", "zip": "10435"}),
    ("Hauptstraße 5 10115 Berlin", {"address1": "Hauptstraße 5", "city": "Berlin",
                                    "zip": "10115"}),
    ("Hauptstraße 5, 10115, Berlin", {"address1": "Hauptstraße 5", "city": "Berlin",
                                      "zip": "10115"}),
    ("Hauptstraße 5, Berlin 10115, Germany",
     {"address1": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "Germany"}),
    ("Frankfurter Allee 3, 60311 Frankfurt am Main",
     {"address1": "Frankfurter Allee 3", "city": "Frankfurt am Main", "zip": "60311"}),
    ("Rue de Rivoli 10, 75001 Paris", {"address1": "Rue de Rivoli 10", "city": "Paris",
                                       "zip": "75001"}),
    ("10 rue de Rivoli, 75001 Paris, France",
     {"address1": "10 rue de Rivoli", "city": "Paris", "zip": "75001", "country": "France"}),
    ("Kalverstraat 1, 1012 NX Amsterdam", {"address1": "Kalverstraat 1", "city": "Amsterdam",
                                           "zip": "1012 NX"}),
    ("Kalverstraat 1, 1012nx Amsterdam, Netherlands",
     {"address1": "Kalverstraat 1", "city": "Amsterdam", "zip": "1012 NX",
      "country": "Netherlands"}),
    # street names that start like a flat word ("Ste", "Bus", "Etage", "Room"), or with a
    # capitalised particle, and a Norwegian "gate"
    ("Stephansplatz 1, 1010 Wien", {"address1": "Stephansplatz 1", "city": "Wien", "zip": "1010"}),
    ("Busbyvej 2, 2700 Brønshøj", {"address1": "Busbyvej 2", "city": "Brønshøj", "zip": "2700"}),
    ("Roomstraat 4, 1012 AB Amsterdam", {"address1": "Roomstraat 4", "city": "Amsterdam",
                                         "zip": "1012 AB"}),
    ("Am Markt 1, 28195 Bremen", {"address1": "Am Markt 1", "city": "Bremen", "zip": "28195"}),
    ("Karl Johans gate 1, 0154 Oslo", {"address1": "Karl Johans gate 1", "city": "Oslo",
                                       "zip": "0154"}),
    # a country code that ends a sentence ("UK. Also, ...") is the country (a review saw it lost)
    ("new address: 12 Brick Lane, London E1 6AN, UK. Also, thanks a lot",
     {"address1": "12 Brick Lane", "city": "London", "zip": "E1 6AN",
      "country": "United Kingdom"}),
])  # fmt: skip
def test_european_addresses(text: str, expected: dict[str, str]) -> None:
    assert eu_address(text) == expected
    assert postal_address(text) == expected
    assert {k: v for k, v in fill_slots(text).for_action().items() if k != "order_id"} == expected


@pytest.mark.parametrize("text", [
    "give me 2 minutes",
    "I ordered 2 items on 12 March, where are they?",
    "12 Baker Street, London",  # no postcode
    "London NW1 6XE",  # no street
    "Nørrebrogade, 2200 København N",  # no house number
    "10 Broadway, New York, 10004",  # a US zip without the state
    "10 Broadway, New York 10004",
    "Order 12345, 10115 Berlin",  # an order number is no street number
    "Hauptstraße 5, order 10115 Berlin",  # nor a postcode
    "Thanks, 2200 København N",
    "I waited 2000 Years for order #W0000001",
    "Where is BK-20417? It should go to London NW1 6XE",
    # sentences shaped like a street and a postcode before a city (a review found them read)
    "My order W1234567 for 2 Lamps arrived, 2024 Model is broken",
    "The tracking says 14 Stops, 4000 Miles away",
    "Deliver on 12 May. 2024 Deliveries were late",
])  # fmt: skip
def test_what_is_no_european_address(text: str) -> None:
    assert postal_address(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    # the US, Russian and Chinese layouts read as before
    ("12 Main St, Apt 4B, Springfield, IL 62701, USA",
     {"address1": "12 Main St", "address2": "Apt 4B", "city": "Springfield", "state": "IL",
      "zip": "62701", "country": "USA"}),
    ("г. Москва, ул. Ленина, д. 5, кв. 12, 101000",  # noqa: RUF001
     {"address1": "ул. Ленина, д. 5", "address2": "кв. 12", "city": "Москва", "zip": "101000"}),
    ("上海市浦东新区世纪大道100号5楼，邮编200120",  # noqa: RUF001
     {"city": "上海市", "address1": "浦东新区世纪大道100号", "address2": "5楼", "zip": "200120"}),
])  # fmt: skip
def test_the_other_layouts_are_read_as_before(text: str, expected: dict[str, str]) -> None:
    assert postal_address(text) == expected


@pytest.mark.parametrize(("text", "piece"), [
    ("Nørrebrogade 12", True),
    ("2200 København N", True),
    ("1012 NX Amsterdam", True),
    ("NW1 6XE", True),
    ("postcode is EH2 2AN", True),
    ("Dublin D02 X285", True),
    ("Rue de Rivoli 10", True),
    ("5 Princes Street, Edinburgh", True),
    ("give me 2 minutes", False),
    ("the 3rd time I ask", False),
    ("I waited 2000 Years", False),
    ("yes", False),
])  # fmt: skip
def test_pieces_of_a_european_address(text: str, piece: bool) -> None:
    assert address_piece(text) is piece


@pytest.mark.parametrize(("earlier", "later", "expected"), [
    ("5 Princes Street, Edinburgh", "postcode is EH2 2AN",
     {"address1": "5 Princes Street", "city": "Edinburgh", "zip": "EH2 2AN"}),
    ("2200 København N", "Nørrebrogade 12",
     {"address1": "Nørrebrogade 12", "city": "København N", "zip": "2200"}),
    ("Nørrebrogade 12", "2200 København N, Denmark",
     {"address1": "Nørrebrogade 12", "city": "København N", "zip": "2200",
      "country": "Denmark"}),
])  # fmt: skip
def test_a_european_address_in_two_messages(
    earlier: str, later: str, expected: dict[str, str]
) -> None:
    assert address_in_two_pieces(earlier, later) == expected


def test_the_redactor_hides_a_european_street_and_postcode() -> None:
    stated = stated_details(["Nørrebrogade 12, 2200 København N"])
    assert stated.addresses == ("Nørrebrogade 12",)
    assert stated.zips == ("2200",)


@pytest.mark.parametrize(("country", "postcode", "fits"), [
    ("United Kingdom", "NW1 6XE", True),
    ("UK", "nw16xe", True),
    ("England", "10115", False),
    ("Denmark", "2200", True),
    ("Danmark", "22000", False),
    ("Germany", "10115", True),
    ("Deutschland", "1011", False),
    ("France", "75001", True),
    ("France", "7500", False),
    ("Netherlands", "1012 NX", True),
    ("Holland", "1012", False),
    ("Ireland", "D02 X285", True),
    ("Ireland", "NW1 6XE", False),
    ("USA", "10004-1234", True),
    ("United States", "NW1 6XE", False),
    ("Россия", "101000", True),
    ("Canada", "M5V 3L9", True),  # no shape known: any
    (None, "NW1 6XE", True),
])  # fmt: skip
def test_postcodes_fit_their_country(country: str | None, postcode: str, fits: bool) -> None:
    assert postcode_fits(country, postcode) is fits


def test_country_names() -> None:
    assert country_name("the UK") == country_name("Scotland") == "United Kingdom"
    assert country_name("Danmark") == "Denmark"
    assert country_name("United States") == "USA"
    assert country_name("Narnia") is None
    assert country_name(None) is None
