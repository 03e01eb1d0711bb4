# ruff: noqa: RUF001, RUF002, RUF003 - Chinese and Russian letters and punctuation, as customers write them
"""Postal addresses in a customer's message, as the order's address fields (pure functions).

Four layouts are read: a US or Canadian address (``123 Main St, Apt 4, Springfield, IL 62704``,
the comma before the state optional; ``100 King St W, Toronto, ON M5X 1A9``), a Russian
one (``г. Москва, ул. Ленина, д. 5, кв. 12, 101000`` in any order of its parts), a Chinese one
(``上海市浦东新区世纪大道100号5楼，邮编200120``) and a British, Irish or other European one
(``Flat 3, 221B Baker Street, London NW1 6XE``, ``Nørrebrogade 12, 2200 København N``). Each
needs a street line with a house number, a city and a postal code; anything less is no address
(the action then asks for it again). The European layouts are in ``addresses_eu``, the numbers
around an address that are orders or phones in ``address_numbers``.
"""

from __future__ import annotations

import re

from deskpilot.ai.actions.address_numbers import NOT_A_STREET, street_rank, zip_match
from deskpilot.ai.actions.addresses_eu import EIRCODE, UK_CODE, eu_address

# --- US -------------------------------------------------------------------------------------

_US_ADDRESS = re.compile(
    # the street number starts a word (never the digits of an order id: "W0000001", "#123")
    # and a street name follows it, so "#W0000001 to 12 Main St" gives "12 Main St"
    r"(?<![A-Za-z0-9_#@.-])(?P<address1>\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?\s+(?!" + NOT_A_STREET + r")"
    r"(?:\d{1,3}(?:st|nd|rd|th)(?=\s)|[A-Za-z])[A-Za-z0-9 .'-]{0,60}?)\s*,\s*"  # "5th Ave" too
    r"(?:(?P<address2>(?:apt|apartment|suite|ste|unit|fl|floor|room|#)\.?\s*[A-Za-z0-9-]+)\s*,\s*)?"
    # "San Francisco, CA 94105" or "San Francisco CA 94105"; a Canadian "Toronto, ON M5X 1A9"
    r"(?P<city>[A-Za-z][A-Za-z .'-]{1,40}?)(?:\s*,\s*|\s+)(?P<state>[A-Z]{2})\s+"
    r"(?P<zip>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d)(?![A-Za-z0-9])"
    r"(?:\s*,\s*(?P<country>USA|US|United States|Canada))?",
    re.IGNORECASE,
)


# "items sent to 55 Broadway": a street line that runs on into "to" / "at" and a number starts again
_STREET_AGAIN = re.compile(r"\s(?:to|at)\s+(?=\d)", re.IGNORECASE)


def us_address(text: str) -> dict[str, str] | None:
    """``123 Main St, Apt 4, Springfield, IL 62704`` as address fields (US layout only).

    A number right after an order or phone word is not a street number ("Order 12345 go to 55
    Broadway, ..." is at 55 Broadway), unless address words lead up to it and no later street
    line does better ("New address for my order: 12 Main St, ...")."""
    position, fallbacks = 0, dict[int, re.Match[str]]()
    while (found := _US_ADDRESS.search(text, position)) is not None:
        start = found.start("address1")
        again = _STREET_AGAIN.search(found["address1"])
        if again is not None:
            position = start + again.end()
            continue
        rank = street_rank(text[max(0, start - 64) : start])
        if rank == 0 and (fields := _us_fields(found)) is not None:
            return fields
        if rank is not None:
            fallbacks.setdefault(rank, found)
        position = start + 1
    return _us_fields(fallbacks[min(fallbacks)]) if fallbacks else None


_PROVINCES = frozenset(
    ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)


def _us_fields(found: re.Match[str]) -> dict[str, str] | None:
    """The fields of a US (or Canadian: a province and a postal code of letters and digits)
    address; None when a Canadian postal code comes with no province."""
    fields = {k: v.strip() for k, v in found.groupdict().items() if v}
    fields["state"] = fields["state"].upper()
    if not fields["zip"].isdigit() and "-" not in fields["zip"]:
        if fields["state"] not in _PROVINCES:
            return None
        fields["zip"] = fields["zip"].upper()
        fields["country"] = "Canada"
    elif "country" in fields:
        fields["country"] = "USA"
    return fields


# --- Russia ---------------------------------------------------------------------------------

_RU_ZIP = re.compile(r"(?<![\w#№-])(?:(?:почтовый\s+)?индекс\s*[:—–-]?\s*)?(\d{6})(?![\w-])", re.I)
_RU_STREET = re.compile(
    r"(?<![а-яё])(?:ул(?:ица)?|пр(?:осп|-т)?|проспект|пер(?:еулок)?|ш(?:оссе)?|б(?:ульвар|-р)"
    r"|наб(?:ережная)?|пл(?:ощадь)?|проезд|мкр(?:н|-н)?|микрорайон|аллея|тупик|тракт)"
    r"(?:\.|(?![а-яё]))",
    re.IGNORECASE,
)
# "г. Москва", "г.москва", never the "г." of a year ("12.05.2024 г.", "2024г.")
_RU_CITY = re.compile(
    r"(?<![\dа-яёА-ЯЁ])(?<!\d\s)(?:(?i:г\.|город\s)\s*(?=[а-яёА-ЯЁ])|[гГ]\s+(?=[А-ЯЁ]))"
)
_RU_REGION = re.compile(
    r"(?<![а-яё])(?:обл\.|область|край|респ\.|республика|автономный\s+округ|ао)(?![а-яё])",
    re.IGNORECASE,
)
_RU_HOUSE = re.compile(
    r"^(?:(?:д\.|дом)\s*)?\d+[а-яё]?(?:\s*[/-]\s*\d+)?(?:\s*(?:к\.?|корп\.?|корпус|стр\.?|строение)\s*\d+)*$",
    re.IGNORECASE,
)
_RU_UNIT = re.compile(r"^(?:кв\.?|квартира|оф\.?|офис|комн\.?|комната)\s*\d+[а-яё]?$", re.I)
_RU_NUMBER = re.compile(r"\d")
_RU_PLACE = re.compile(r"^[А-ЯЁ][а-яё]+(?:[- ](?:на|[А-ЯЁ][а-яё]+)){0,3}$")
# capitalised words that start a message or a part without being a place
_RU_NOT_A_PLACE = re.compile(
    r"^(?:здравствуйте|привет|добрый|спасибо|пожалуйста|подскажите|адрес|заказ|новый|мой|моя"
    r"|измените|поменяйте|смените|доставьте|пришлите|отправьте|прошу|будьте|извините|получатель)"
    r"(?![а-яё])",
    re.IGNORECASE,
)
# a greeting or thanks before a name: "Здравствуйте, Ольга", "Заранее спасибо, Анна"
_RU_SALUTATION = re.compile(
    r"(?:^|\s)(?:здравствуйте|привет|добрый\s+(?:день|вечер)|доброе\s+утро|спасибо|благодарю"
    r"|с\s+уважением|всего\s+доброго)\W*$",
    re.IGNORECASE,
)
# countries an address in Russian may end in, as written and as recorded
_RU_COUNTRIES = {
    "россия": "Россия", "рф": "Россия", "российская федерация": "Россия",
    "беларусь": "Беларусь", "белоруссия": "Беларусь", "республика беларусь": "Беларусь",
    "казахстан": "Казахстан", "республика казахстан": "Казахстан", "украина": "Украина",
    "армения": "Армения", "кыргызстан": "Кыргызстан", "киргизия": "Кыргызстан",
    "узбекистан": "Узбекистан", "республика узбекистан": "Узбекистан",
}  # fmt: skip


def _after_colon(part: str) -> str:
    """What a part says after its last colon ("адрес заказа …: Московская обл." -> "Московская
    обл."), so the words leading up to an address stay out of its fields."""
    return part.rsplit(":", 1)[-1].strip()


def _ru_country(part: str) -> str | None:
    return _RU_COUNTRIES.get(" ".join(_after_colon(part).casefold().split()))


# where a part ends: a comma, a semicolon, a line break, "!" or "?", or a full stop after a
# number or a word of five letters or more ("д. 5" and "г. Москва" go on, "Москва. Спасибо" ends)
_RU_PARTS = re.compile(r"([,;\n!?]|(?:(?<=[а-яё]{5})(?<!просп)|(?<=\d))\.\s+)", re.IGNORECASE)
_RU_NAME_BEFORE = re.compile(r"[А-ЯЁ][а-яё-]+\s+$")
# "новый адрес: ", "... на ", "по адресу ", "новый адрес Москва" (not the ":" of "10:00")
_RU_LEAD = re.compile(
    # a colon, after an order number too ("MX-3301: Москва"), never inside a time ("12:30")
    r"(?<!\d):(?!\d)|(?<=\d):\s|\sна\s|(?<![а-яё])по\s+адресу\s|(?<![а-яё])адрес\s+(?=(?-i:[А-ЯЁ]))",
    re.IGNORECASE,
)


def _after_lead(part: str) -> str:
    """The part after the words leading up to the address ("Новый адрес: ", "... на ")."""
    leads = list(_RU_LEAD.finditer(part))
    return part[leads[-1].end() :].strip() if leads else part


def _parts(text: str) -> list[tuple[str, bool]]:
    """The message's non-empty parts, each with whether a line break comes before it."""
    parts: list[tuple[str, bool]] = []
    broken = False
    for index, piece in enumerate(_RU_PARTS.split(text)):
        if index % 2:  # a separator
            broken = broken or "\n" in piece
        elif piece.strip():
            parts.append((piece.strip(), broken))
            broken = False
    return parts


def _greeted(parts: list[tuple[str, bool]], at: int, name: str) -> bool:
    """Whether the part is a name after a greeting or thanks on the same line."""
    text, broken = parts[at]
    return text == name and at > 0 and not broken and bool(_RU_SALUTATION.search(parts[at - 1][0]))


# a surname or a patronymic: "Иванова Анна", "Мария Ивановна" are people, "Нижний Новгород" is
# a city
_RU_SURNAME = re.compile(r"(?:[оеё]в|[иы]н|[сц]к)(?:а|ая|ий)?$|(?:вич|вна|чна)$")
# the second word of two-word towns that look like a name and surname ("Сергиев Посад")
_RU_TOWN_WORD = re.compile(r"^(?:Посад|Гавань|Сулин|Луки|Новгород|Оскол|Челны|Воды|Тагил|Бор)$")
# "Получатель: Ирина", "ФИО: ...": a label that says what follows is no place
_RU_LABEL = re.compile(r"^(?:получатель|фио|имя|контакт|кому|телефон|тел\.?)\s*:", re.I)
# "Город: Москва", "Город: г. Москва"
_RU_CITY_LABEL = re.compile(
    r"^(?:город|населённый\s+пункт)\s*:\s*(?:г\.\s*|г\s+(?=[А-ЯЁ]))?(?=[а-яёА-ЯЁ])", re.I
)


def _person(name: str) -> bool:
    """Two or three words, one shaped like a surname or a patronymic, and no town's."""
    words = name.split()
    return (
        len(words) in (2, 3)
        and any(_RU_SURNAME.search(word) for word in words)
        and not _RU_TOWN_WORD.match(words[-1])
    )


def _next_to(parts: list[tuple[str, bool]], at: int, first: int, last: int) -> bool:
    """Whether the part at ``at`` is right before or right after the address's parts, or only
    the country on the same line stands between."""
    between = range(at + 1, first) if at < first else range(last + 1, at)
    crossed = range(at + 1, first + 1) if at < first else range(last + 1, at + 1)
    same_line = not any(parts[i][1] for i in crossed)
    return not between or (same_line and all(_ru_country(parts[i][0]) for i in between))


def _city_among(
    places: list[tuple[int, str]],
    parts: list[tuple[str, bool]],
    zip_at: int,
    run: tuple[int, int, int],
) -> str | None:
    """The city among the bare place names (part number, name). The address is the run of
    parts from its first marked part (street, house, flat, region, index) to its last, and
    starts no earlier than the words leading up to it ("Новый адрес:"). The city is the name
    inside the run nearest the index ("ул. Ленина 5, Москва, 101000"), else the one right before
    it ("Москва, ул. Ленина, д. 5, 101000"), else the one right after it ("..., 101000, Москва"),
    else the one right before the leading words ("Москва. Адрес: ул. Ленина..."). The country on
    the same line may stand between. Never a name greeted or thanked on the same line
    ("Здравствуйте, Ольга"), nor, outside the run, a name with a surname or a patronymic
    ("Иванова Анна", "...101000\nИван Петров")."""
    start, first, last = run
    named = [(at, name) for at, name in places if not _greeted(parts, at, name)]
    inside = [(at, name) for at, name in named if start <= at and first <= at <= last]
    if inside:
        return min(inside, key=lambda place: (abs(place[0] - zip_at), place[0]))[1]
    beside = [(at, name) for at, name in named if not _person(name)]
    # only the nearest on each side can be next to the address: a place is no aside
    nearest = [place for place in beside if start <= place[0] < first][-1:]
    nearest += [place for place in beside if place[0] > last][:1]
    chosen = [name for at, name in nearest if _next_to(parts, at, first, last)]
    # "Москва. Адрес: ул. Ленина, ...": else the place right before the words leading up to
    # them, on their line
    chosen += [name for at, name in beside if at == start - 1 and not parts[start][1]]
    return chosen[0] if chosen else None


def ru_address(text: str) -> dict[str, str] | None:
    """A Russian address: its parts between commas in any order, a six-digit index among them
    (``г. Москва, ул. Ленина, д. 5, кв. 12, 101000``, ``ул. Ленина 5-12, Москва 101000``).
    A bare capitalised place name is the city (see ``_city_among``)."""
    if _RU_STREET.search(text) is None:
        return None
    zip_found = zip_match(_RU_ZIP, text)
    if zip_found is None:
        return None
    parts = _parts(text)
    fields: dict[str, str] = {"zip": zip_found.group(1)}
    street_at: int | None = None
    zip_at, marked, leads, places = 0, [], [0], []
    for at, (given, _) in enumerate(parts):
        part = given
        if zip_found.group(0) in given:
            zip_at, part = at, given.replace(zip_found.group(0), "").strip(" :")
            marked.append(at)
        if _RU_LABEL.match(part):
            continue
        if (labelled := _RU_CITY_LABEL.match(part)) and "city" not in fields:
            fields["city"] = part[labelled.end() :]
            marked.append(at)
            continue
        if _RU_LEAD.search(part):
            leads.append(at)
            part = _after_lead(part)
        street = _RU_STREET.search(part)
        city = _RU_CITY.search(part)
        if street and "address1" not in fields:
            # the name may come first: "Невский пр-т", "Тверская ул."
            named = _RU_NAME_BEFORE.search(part[: street.start()])
            fields["address1"] = part[named.start() if named else street.start() :]
            street_at = at
            marked.append(at)
        elif city and "city" not in fields:
            fields["city"] = part[city.end() :].strip()
            marked.append(at)
        elif country := _ru_country(part):
            fields["country"] = country
        elif _RU_REGION.search(part) and "state" not in fields:
            fields["state"] = _after_colon(part)
            marked.append(at)
        elif _RU_UNIT.match(part) and "address2" not in fields:
            fields["address2"] = part
            marked.append(at)
        elif street_at == at - 1 and _RU_HOUSE.match(part):
            fields["address1"] += f", {part}"
            marked.append(at)
        elif _RU_PLACE.match(part) and not _RU_NOT_A_PLACE.match(part):
            places.append((at, part))
    first, last = min(marked), max(marked)
    run = (max(lead for lead in leads if lead <= first), first, last)
    if "city" not in fields and (city_name := _city_among(places, parts, zip_at, run)):
        fields["city"] = city_name
    if "city" not in fields or not _RU_NUMBER.search(fields.get("address1", "")):
        return None
    return fields


# --- China ----------------------------------------------------------------------------------

_HAN = r"\u4e00-\u9fff"
_CN_BUILDING = "广场|大厦|中心|花园|小区|公寓|大楼|写字楼|商场|家园|新村|苑|园|城|府|阁|公馆"
_CN_NOT_BUILDING = "送寄到请麻烦谢您我你的放在"  # "麻烦送到小区门口" is a request, no building
_CN_ADDRESS = re.compile(
    r"(?P<country>中国)?"
    rf"(?P<state>[{_HAN}]{{2,7}}?(?:省|自治区))?"
    rf"(?P<city>[{_HAN}]{{2,4}}?市)"
    rf"(?P<address1>(?:[{_HAN}]{{1,6}}?(?:区|县|市|旗))?[{_HAN}0-9A-Za-z]{{1,20}}?"
    r"(?:路|街|大道|道|巷|弄|胡同|里|村)[0-9]{1,5}(?:-[0-9]{1,5})?号(?:院)?)"
    # a building's name ("恒隆广场", "金茂大厦", "阳光花园"), then its block, unit, floor and room
    rf"(?P<address2>(?:(?:(?![{_CN_NOT_BUILDING}])[{_HAN}0-9A-Za-z]){{1,8}}?(?:{_CN_BUILDING}))?"
    r"(?:[0-9A-Za-z一二三四五六七八九十-]{1,6}(?:号楼|号院|单元|室|楼|层|栋|座))*"
    r"(?:(?<=[座栋楼元])\d{1,5}(?![\d号]))?)"  # "A座1203": the room without 室
)
# where an address may start: the start, a space or punctuation, or the words leading up to it
_CN_STARTS = re.compile(r"[\s，,：:。；;]|改成|改为|改到|换成|寄到|送到|发到|地址是|地址为|地址")
_CN_COUNTRY_AFTER = re.compile(r"\bChina\b|中国|(?<![а-яё])Китай", re.IGNORECASE)
_CN_ZIP = re.compile(r"(?:邮编|邮政编码)\s*[:：是为]?\s*(\d{6})(?!\d)|(?<![\w#-])(\d{6})(?!\d)")


def cn_address(text: str) -> dict[str, str] | None:
    """A Chinese address, from the city down (``上海市浦东新区世纪大道100号5楼``), and a six-digit
    postcode anywhere in the message (after 邮编 first, else one that no 订单号 or 电话 precedes).
    Of the readings that end at the same place, the one starting latest wins, so words leading
    up to it ("改成上海市...") are not part of the city."""
    starts = [0, *(m.end() for m in _CN_STARTS.finditer(text))]
    readings = [m for at in starts if (m := _CN_ADDRESS.match(text, at))]
    if not readings:
        return None
    found = max(readings, key=lambda m: (m.end(), m.start()))
    postcode = zip_match(_CN_ZIP, text[found.end() :]) or zip_match(_CN_ZIP, text[: found.start()])
    if postcode is None:
        return None
    fields = {k: v for k, v in found.groupdict().items() if v}
    fields["zip"] = postcode.group(1) or postcode.group(2)
    if "country" not in fields and _CN_COUNTRY_AFTER.search(text, found.end()):
        fields["country"] = "中国"  # "…，200031, China"
    return fields


# "Старый адрес: ... Новый адрес: ...": the new one is read
# (only when the words point ahead: "Новый адрес:", "new address for my order:", "new address
# 12 Main St", "Новый адрес\nМосква", "新地址是"; not "12 Main St ... is my new address, the old
# one was ..." nor "my new address - not 1 Elm St")
_NEW_ADDRESS = re.compile(
    r"(?:(?<![а-яё])нов(?:ый|ого|ому)\s+адрес|\bnew\s+(?:shipping\s+|delivery\s+)?address)"
    r"(?:(?:\bno\.|[^.,;!?\n:]){0,30}?(?::|\s(?:is|will\s+be|будет)\b)|[ \t]*\n"
    r"|[ \t]*[-—–](?![ \t]*(?:not|не)\b)|[ \t]+(?=\d|[А-ЯЁ]))"
    r"|新地址(?:是|为|：|:)",
    re.IGNORECASE,
)


def postal_address(text: str) -> dict[str, str] | None:
    """The first address of any layout read here, as the order's address fields: in the text
    from the last "new address:" on first, else in the whole text."""
    leads = list(_NEW_ADDRESS.finditer(text))
    scopes = [text[leads[-1].start() :], text] if leads else [text]
    for scope in scopes:
        if found := (
            us_address(scope) or ru_address(scope) or cn_address(scope) or eu_address(scope)
        ):
            return found
    return None


_ZIP_LEAD = re.compile(
    r"^\s*(?:and\s+)?(?:the\s+)?(?:zip|postal|post)\s*(?:code)?\s*(?:is|:)?\s*", re.IGNORECASE
)
_PIECE = re.compile(
    r"(?<![0-9a-z#-])\d{5}(?:-\d{4})?(?![0-9a-z-])|(?<![0-9a-z#-])\d{6}(?!\d)"  # zip, postcode
    r"|\b\d+[a-z]?\s+(?:[a-z][\w.'-]*\s+){0,4}(?:st|street|ave|avenue|rd|road|blvd|boulevard"
    r"|dr|drive|ln|lane|way|ct|court|pl|place|ter|terrace|pkwy|parkway|hwy|highway|broadway"
    r"|sq|square|close|crescent|gardens|mews|grove|hill|walk|row|rue|via|calle)\b"  # a street line
    r"|[\u4e00-\u9fff]{2,}(?:路|街|道|巷|弄)\d+号"
    r"|(?<![а-яё])(?:ул\.|улица|пр-т|проспект|пер\.|переулок|шоссе|наб\.|набережная|бульвар)"
    r"[^\n]{0,40}\d"
    # a British postcode or an Eircode ("NW1 6XE", "D02 X285"), a postcode before a city
    # ("2200 København N", "1012 NX Amsterdam"), a street name before its number ("Nørrebrogade
    # 12", "Hauptstraße 5a", "Rue de Rivoli 10")
    rf"|(?<![\w#@.-])(?:{UK_CODE}|{EIRCODE})(?![\w-])"
    r"|(?<![\w#@.:/-])\d{4}(?-i:\s?[A-Z]{2})?\s+(?!(?:years?|items?|orders?|times|euros?"
    r"|pounds?|dollars?|kroner|pieces|units|questions?)\b)(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+"
    r"|[^\W\d_]*(?:gade|vej|stræde|straße|strasse|str\.|weg|allee|platz|gasse|straat|gracht|laan"
    r"|plein|kade|vägen|gatan)\s+\d{1,5}[a-z]?(?![\w-])"
    r"|\b(?:rue|via|calle|avenida|piazza|plaza|avenue)\s+(?:[^\W\d_'’-]+\s+){0,4}\d{1,5}\b",
    re.IGNORECASE,
)
_CITY_STATE = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*,\s*[A-Z]{2}\b")


def address_piece(text: str) -> bool:
    """Whether the text holds part of a postal address: a zip or postcode, a street line
    ("10 Broadway", "漕溪北路100号", "ул. Тверская, д. 1") or a city and state ("New York, NY");
    not any number ("give me 2 minutes", "the 3rd time I ask")."""
    return _PIECE.search(text) is not None or _CITY_STATE.search(text) is not None


def address_in_two_pieces(earlier: str, later: str) -> dict[str, str] | None:
    """An address said in two messages, each a piece of it: the street then the rest ("10
    Broadway, New York, NY", "zip is 10004"), or the rest then the street ("New York, NY
    10004", "10 Broadway")."""
    if not (address_piece(earlier) and address_piece(later)):
        return None
    rest = _ZIP_LEAD.sub("", later)
    return postal_address(f"{earlier}\n{rest}") or postal_address(f"{later}, {earlier}")
