# ruff: noqa: RUF001, RUF002, RUF003 - Chinese and Russian letters and punctuation, as customers write them
"""Postal addresses in a customer's message, as the order's address fields (pure functions).

Four layouts are read: a US address (``123 Main St, Apt 4, Springfield, IL 62704``), a Russian
one (``г. Москва, ул. Ленина, д. 5, кв. 12, 101000`` in any order of its parts), a Chinese one
(``上海市浦东新区世纪大道100号5楼，邮编200120``) and a British, Irish or other European one
(``Flat 3, 221B Baker Street, London NW1 6XE``, ``Nørrebrogade 12, 2200 København N``). Each
needs a street line with a house number, a city and a postal code; anything less is no address
(the action then asks for it again). ``postcode_fits`` checks a postcode against its country.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = r"(?:заказ[а-яё]*|номер|телефон[а-яё]*|тел\.|order|phone|订单号?|单号|电话|手机)"
# a number soon after these words is an order, a phone or some other number, not a postcode
_OTHER_NUMBER = re.compile(_NUMBER_WORDS + r"[\W\d]{0,16}$", re.IGNORECASE)
# the first number after them is no street number ("Order 12345 go to 55 Broadway"), unless a
# line break comes between ("my order:\n12 Main St")
_FIRST_OTHER_NUMBER = re.compile(
    _NUMBER_WORDS + r"(?:\s*(?:no|nr|num|number)\b)?[^\w\n]{0,16}\Z", re.IGNORECASE
)
# "my order: 12 Main St": a street line after "order:" is read when no other one is
_ORDER_COLON = re.compile(r"(?:order|заказ[а-яё]*)\s*[:：]\s*\Z", re.IGNORECASE)
# "Адрес доставки заказа: 190000, ...", "New address for my order: 12 Main St": one clause of
# address words up to the colon says the number after it may be the address's own; a number
# label ("номер заказа:", "№:", "订单号：") or a clause break ("地址有误，订单：") says it is not
_ADDRESS_LEAD = re.compile(
    r"(?:адрес|address|地址)(?:(?!номер|№|#|number|\bno\b|号)[^:：\n,，.。;；!！?？]){0,40}[:：]\s*$",
    re.IGNORECASE,
)

# --- US -------------------------------------------------------------------------------------

# Words that follow a number without being a street name: "order 123 to 12 Main St".
_NOT_A_STREET = r"(?:to|at|in|on|is|for|from|and|or|with|by|of)(?![A-Za-z])"
_US_ADDRESS = re.compile(
    # the street number starts a word (never the digits of an order id: "W0000001", "#123")
    # and a street name follows it, so "#W0000001 to 12 Main St" gives "12 Main St"
    r"(?<![A-Za-z0-9_#@.-])(?P<address1>\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?\s+(?!" + _NOT_A_STREET + r")"
    r"(?:\d{1,3}(?:st|nd|rd|th)(?=\s)|[A-Za-z])[A-Za-z0-9 .'-]{0,60}?)\s*,\s*"  # "5th Ave" too
    r"(?:(?P<address2>(?:apt|apartment|suite|ste|unit|fl|floor|room|#)\.?\s*[A-Za-z0-9-]+)\s*,\s*)?"
    r"(?P<city>[A-Za-z][A-Za-z .'-]{1,40}?)\s*,\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)"
    r"(?:\s*,\s*(?P<country>USA|US|United States))?",
    re.IGNORECASE,
)


# "items sent to 55 Broadway": a street line that runs on into "to" / "at" and a number starts again
_STREET_AGAIN = re.compile(r"\s(?:to|at)\s+(?=\d)", re.IGNORECASE)


def _rank(before: str, other: re.Pattern[str]) -> int | None:
    """How likely a number after ``before`` is part of the address: 0 with no order or phone
    word just before it, 1 when address words lead up to it through one ("New address for my
    order: "), None when it is an order or phone number."""
    if other.search(before[-32:]) is None:
        return 0
    return 1 if _ADDRESS_LEAD.search(before) is not None else None


def _street_rank(before: str) -> int | None:
    """``_rank`` for a street number, and 2 after a bare "order:" ("my order: 12 Main St")."""
    rank = _rank(before, _FIRST_OTHER_NUMBER)
    return 2 if rank is None and _ORDER_COLON.search(before) else rank


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
        rank = _street_rank(text[max(0, start - 64) : start])
        if rank == 0:
            return _us_fields(found)
        if rank is not None:
            fallbacks.setdefault(rank, found)
        position = start + 1
    return _us_fields(fallbacks[min(fallbacks)]) if fallbacks else None


def _us_fields(found: re.Match[str]) -> dict[str, str]:
    fields = {k: v.strip() for k, v in found.groupdict().items() if v}
    fields["state"] = fields["state"].upper()
    if "country" in fields:
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
    r"(?<!\d):(?!\d)|\sна\s|(?<![а-яё])по\s+адресу\s|(?<![а-яё])адрес\s+(?=(?-i:[А-ЯЁ]))",
    re.IGNORECASE,
)


def _after_lead(part: str) -> str:
    """The part after the words leading up to the address ("Новый адрес: ", "... на ")."""
    leads = list(_RU_LEAD.finditer(part))
    return part[leads[-1].end() :].strip() if leads else part


def _zip_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The postcode: a labelled one first, else the first that no "order" or "phone" precedes,
    else one that address words lead up to ("Адрес доставки заказа: 190000")."""
    found = list(pattern.finditer(text))
    labelled = [m for m in found if not m.group(0)[0].isdigit()]
    ranked = [(_rank(text[max(0, m.start() - 64) : m.start()], _OTHER_NUMBER), m) for m in found]
    bare = [m for rank, m in ranked if rank == 0]
    led = [m for rank, m in ranked if rank == 1]
    chosen = labelled or bare or led
    return chosen[0] if chosen else None


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
    zip_found = _zip_match(_RU_ZIP, text)
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
_CN_ADDRESS = re.compile(
    r"(?P<country>中国)?"
    rf"(?P<state>[{_HAN}]{{2,7}}?(?:省|自治区))?"
    rf"(?P<city>[{_HAN}]{{2,4}}?市)"
    rf"(?P<address1>(?:[{_HAN}]{{1,6}}?(?:区|县|市|旗))?[{_HAN}0-9A-Za-z]{{1,20}}?"
    r"(?:路|街|大道|道|巷|弄|胡同|里|村)[0-9]{1,5}(?:-[0-9]{1,5})?号(?:院)?)"
    # a building's name ("恒隆广场", "金茂大厦", "阳光花园"), then its block, unit, floor and room
    rf"(?P<address2>(?:[{_HAN}0-9A-Za-z]{{1,8}}?(?:{_CN_BUILDING}))?"
    r"(?:[0-9A-Za-z一二三四五六七八九十-]{1,6}(?:号楼|号院|单元|室|楼|层|栋|座))*"
    r"(?:(?<=[座栋楼元])\d{1,5}(?![\d号]))?)"  # "A座1203": the room without 室
)
# where an address may start: the start, a space or punctuation, or the words leading up to it
_CN_STARTS = re.compile(r"[\s，,：:。；;]|改成|改为|改到|换成|寄到|送到|发到|地址是|地址为|地址")
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
    postcode = _zip_match(_CN_ZIP, text[found.end() :]) or _zip_match(
        _CN_ZIP, text[: found.start()]
    )
    if postcode is None:
        return None
    fields = {k: v for k, v in found.groupdict().items() if v}
    fields["zip"] = postcode.group(1) or postcode.group(2)
    return fields


# --- the UK, Ireland and the rest of Europe -------------------------------------------------

# the countries whose names and postcodes are known: the name recorded, what customers call it,
# the shape of its postcodes
_UK_CODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}"
_FOUR, _FIVE, _SIX = r"\d{4}", r"\d{5}", r"\d{6}"
_COUNTRY_TABLE = (
    ("United Kingdom", "united kingdom|the united kingdom|uk|u.k.|the uk|great britain|britain|gb"
     "|england|scotland|wales|northern ireland", _UK_CODE),
    ("Ireland", "ireland|republic of ireland|éire|eire", _EIRCODE),
    ("Denmark", "denmark|danmark|dk", _FOUR), ("Germany", "germany|deutschland", _FIVE),
    ("France", "france", _FIVE), ("Belgium", "belgium|belgië|belgique|belgien", _FOUR),
    ("Netherlands", "netherlands|the netherlands|nederland|holland|nl", r"\d{4}\s?[A-Z]{2}"),
    ("Austria", "austria|österreich", _FOUR), ("Luxembourg", "luxembourg", r"(?:L-)?\d{4}"),
    ("Switzerland", "switzerland|schweiz|suisse|svizzera", _FOUR), ("Finland", "finland", _FIVE),
    ("Sweden", "sweden|sverige", r"\d{3}\s?\d{2}"), ("Norway", "norway|norge", _FOUR),
    ("Spain", "spain|españa", _FIVE), ("Italy", "italy|italia", _FIVE),
    ("Portugal", "portugal", r"\d{4}-\d{3}"), ("Poland", "poland|polska", r"\d{2}-\d{3}"),
    ("USA", "usa|us|u.s.|u.s.a.|united states|united states of america|america",
     r"\d{5}(?:-\d{4})?"),
    ("Russia", "russia|россия|рф|российская федерация", _SIX), ("China", "china|中国", _SIX),
)  # fmt: skip
_COUNTRIES = {alias: name for name, aliases, _ in _COUNTRY_TABLE for alias in aliases.split("|")}
_POSTCODE_SHAPES = {name: shape for name, _, shape in _COUNTRY_TABLE}


def country_name(value: str | None) -> str | None:
    """The country a name stands for ("UK", "England", "Danmark", "Россия"), in English, or
    None when it is not one whose postcodes are known here."""
    if not value:
        return None
    said = _TRAILING_WORDS.sub("", f" {value}")  # "UK, thanks"
    return _COUNTRIES.get(" ".join(said.casefold().strip(" .!").split()))


def postcode_fits(country: str | None, postcode: str) -> bool:
    """Whether the postcode has the shape of the country's (UK "NW1 6XE", Danish 2200, German
    10115, Dutch "1012 NX", Irish "D02 X285", US 10004 or 10004-1234); any for another country
    or none."""
    shape = _POSTCODE_SHAPES.get(country_name(country) or "")
    return shape is None or re.fullmatch(shape, postcode.strip().upper()) is not None


_LETTERS = r"[^\W\d_]"
# "2200 København N", "1012 NX Amsterdam", "10115 Berlin", "114 55 Stockholm", "00-950 Warszawa"
_CODE_FIRST = re.compile(
    r"(?<![\w#@.:/-])(?P<zip>\d{4}(?:\s?[A-Z]{2}|(?i:[a-z]{2}))(?![^\W\d_])|\d{4}-\d{3}"
    rf"|\d{{2}}-\d{{3}}|\d{{5}}|\d{{4}}|(?<!.)\d{{3}}\s\d{{2}})(?![\w-])\s+(?={_LETTERS})"
)
# "London NW1 6XE", "Dublin D02 X285", and "Berlin 10115" when a European country is named
_CODE_AFTER = re.compile(
    rf"(?<![\w#@.:/-])(?P<zip>{_UK_CODE}|{_EIRCODE}|(?P<numeric>\d{{4,5}}))(?![\w-])", re.I
)
_EU_SPLIT = re.compile(r"[,;\n]+|(?:(?<=\w{3})|(?<=\b[A-Z]{2}))\.\s+(?=[A-ZÀ-ÖØ-Þ])")
_LABEL = re.compile(
    r"^(?:(?:street|address(?:\s+line\s*1)?|city|town|post\s*code|postal\s*code|zip(?:\s*code)?"
    r"|country|by|stadt|ort|ville|plaats|postnummer|postnr|plz|land|pays|straße|gade|rue)\s*:\s*)",
    re.IGNORECASE,
)
_FLAT = re.compile(
    r"^(?:(?:flat|apartment|apt|unit|suite|ste|room|floor|wohnung|whg|appartement|appt|lejlighed"
    r"|étage|etage|bâtiment|bât|escalier|esc|porte|bus|boîte|bte|c/o)\.?\s*[\w/-]{1,12}"
    r"(?:\s+[\w/-]{1,12})?|#\s*\d{1,4}[a-z]?|\d{1,2}(?:st|nd|rd|th)\s+floor"
    r"|(?:\d{1,2}\.|st\.?|kl\.?)\s*(?:tv|th|mf|sal)?\.?|\d{1,2}\s+(?:tv|th|mf)\.?"
    r"|\d{1,2}\.\s*(?:og|etage|stock)|eg|hinterhaus|vorderhaus|seitenflügel|gartenhaus)$",
    re.IGNORECASE,
)
# "... to Flat 3" before the street: "Change it to Flat 3, 221B Baker Street, ..."
_FLAT_AT_END = re.compile(
    r"(?:^|\s)(?:flat|apartment|apt|unit|suite|wohnung|whg|appartement|appt|lejlighed)\.?\s*"
    r"\d{1,4}[a-z]?$",
    re.IGNORECASE,
)
# street types, so a street name in lower case is one too ("10 rue de Rivoli", "nørrebrogade 12")
_STREET_TYPE = re.compile(
    r"^(?:street|st|road|rd|lane|ln|avenue|ave|close|way|drive|dr|gardens|place|square|sq|terrace"
    r"|crescent|court|grove|row|hill|mews|walk|parade|quay|wharf|broadway|boulevard|blvd|bd|rue"
    r"|allée|chemin|impasse|quai|cours|route|calle|avenida|plaza|via|viale|piazza|corso|rua)\.?$"
    r"|(?:gade|vej|stræde|allé|alle|torv|plads|straße|strasse|str|weg|allee|platz|gasse|damm|ufer"
    r"|straat|gracht|laan|plein|kade|dijk|singel|steeg|gatan|vägen|gata|veien)\.?$",
    re.IGNORECASE,
)
# the street types after which a city may follow in the same part ("12 Baker Street London")
_STREET_END = re.compile(
    r"^(?:street|st|road|rd|lane|avenue|ave|close|drive|crescent|terrace|gardens|place|square"
    r"|way|mews|grove)\.?$",
    re.IGNORECASE,
)
# small words inside a street's or a city's name ("Rue de Rivoli", "Newcastle upon Tyne")
_PARTICLE_WORDS = (
    "de du des la le les d' l' der den dem am an im auf zum zur van von vom di del della da das"
    " do dos y i og ved på aan op het 't ter ten sur sous en upon on of the"
)
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# capitalised words that start a sentence or a line without being a street's or a city's name
_NOT_A_NAME_WORDS = (
    "to til nach naar at in is are be it its my our your this that please pls thanks thank hi"
    " hello hey dear hallo hej bonjour address adresse adres new ny neue nouvelle nieuwe change"
    " ship send deliver move update order orders ordre bestellung commande bestelling number no"
    " nr now postcode zip code city town country flat apartment apt unit suite room floor for"
    " from and or with by items item pens pen days weeks minutes hours times pieces units euros"
    " pounds dollars kroner i we you"
)
_NOT_A_NAME = frozenset(_NOT_A_NAME_WORDS.split())
_TRAILING_WORDS = re.compile(r"(?:\s+(?:please|pls|thanks|thank\s+you|instead|asap|now))+$", re.I)
_HOUSE = r"\d{1,5}[A-Za-z]?(?:\s?[-–/]\s?\d{1,5}[A-Za-z]?)?"
_WORD = rf"{_LETTERS}[^\W\d_'’.]{{0,40}}(?:['’.][^\W\d_]{{0,40}})*\.?"
_NUMBER_FIRST = re.compile(
    rf"(?<![\w#@.:/-])(?P<number>{_HOUSE})\s+(?!{_NOT_A_STREET})"
    rf"(?P<name>{_WORD}(?:[\s-]+{_WORD}){{0,6}})\s*$"
)
_NUMBER_LAST = re.compile(
    rf"(?<![\w#@.:/-])(?P<number>{_HOUSE})"
    r"(?P<floor>\s+(?:\d{1,2}\.?|st\.|kl\.)\s*(?:tv|th|mf|sal)\.?)?\s*$",
    re.IGNORECASE,
)

_Parts = list[tuple[int, str]]  # a message's parts, each with where it starts


def _eu_parts(text: str) -> _Parts:
    """The message's parts between commas, semicolons, line breaks and full stops that end a
    sentence, each with where it starts."""
    parts: list[tuple[int, str]] = []
    start = 0
    for cut in [*_EU_SPLIT.finditer(text), None]:
        end = cut.start() if cut else len(text)
        piece = text[start:end]
        stripped = piece.strip().rstrip(".!?:")
        if stripped:
            parts.append((start + piece.index(stripped[0]), stripped.rstrip()))
        start = cut.end() if cut else end
    return parts


def _unlabelled(part: str) -> str:
    return _LABEL.sub("", part, count=1).strip()


def _named(word: str) -> bool:
    """A word that may be part of a name: capitalised or a street type."""
    return (word[:1].isupper() or _STREET_TYPE.search(word) is not None) and not any(
        c.isdigit() for c in word
    )


def _name_before(words: list[str], limit: int) -> list[str]:
    """The words at the end of ``words`` that make a name ("... to Rue de Rivoli"): named
    words and small words between them, up to ``limit`` words."""
    taken: list[str] = []
    for word in reversed(words):
        bare = word.strip("\"'()")
        folded = bare.casefold()
        if len(taken) == limit or bare != word or folded.rstrip(".:") in _NOT_A_NAME:
            break
        if bare.endswith(":") or not (_named(bare) or folded in _PARTICLES):
            break
        taken.insert(0, bare)
    while taken and taken[0].casefold() in _PARTICLES:
        taken.pop(0)
    return taken


def _place(part: str, *, district: bool = False) -> str | None:
    """A part that is only a place's name ("London", "København N", "Dublin 2" for a
    ``district``), in any case; not a country, a greeting or another word that names none."""
    body = _unlabelled(part)
    if district:
        body = re.sub(r"\s+\d{1,2}$", "", body)
    words = body.split()
    if not 1 <= len(words) <= 5 or country_name(body) or _FLAT.match(body):
        return None
    if not all(re.fullmatch(rf"{_LETTERS}(?:[^\W\d_]|['’.-])*", w) for w in words):
        return None
    if words[0].casefold().rstrip(".") in _NOT_A_NAME | _PARTICLES:
        return None
    return _unlabelled(part)


def _city_and_country(rest: str) -> tuple[str, str | None] | None:
    """The city after a postcode ("København N", "Berlin Germany"), and the country after it."""
    words = _TRAILING_WORDS.sub("", rest).split()
    for cut in range(1, len(words) + 1):
        country = country_name(" ".join(words[cut:])) if cut < len(words) else None
        if cut < len(words) and country is None:
            continue
        city = _place(" ".join(words[:cut]))
        if city is not None:
            return city, country
    return None


def _street(part: str, at: int, text: str) -> list[str]:
    """The street line at the end of a part that starts at ``at``: number first ("12 Baker
    Street", "10 rue de Rivoli") or last ("Nørrebrogade 12", "Hauptstraße 5a", "Rue de Rivoli
    10", "Istedgade 8 2. tv": with the floor after it); a number first never after an order or
    a phone word; none: []."""
    last = _NUMBER_LAST.search(part)
    if last is not None:
        name = _name_before(part[: last.start()].split(), 6)
        if not name or not _named(name[0]):
            return []
        floor = [last["floor"].strip()] if last["floor"] else []
        return [f"{' '.join(name)} {last['number']}", *floor]
    first = _NUMBER_FIRST.search(part)
    if first is None:
        return []
    words = _TRAILING_WORDS.sub("", first["name"]).split()
    ends = [i for i, w in enumerate(words) if i and w.casefold().rstrip(".") in _NOT_A_NAME]
    words = words[: ends[0]] if ends else words  # "12 Baker Street is my new address"
    start = at + first.start()
    named = _named(words[0]) or any(_STREET_TYPE.search(w) for w in words)  # "12 baker street"
    if not named or words[0].casefold().rstrip(".") in _NOT_A_NAME:
        return []
    if _street_rank(text[max(0, start - 64) : start]) is None:
        return []
    return [f"{first['number']} {' '.join(words)}"]


def _postcode(code: str) -> str:
    """A postcode as written on a parcel: a British one in upper case with a space before its
    last three characters, an Eircode after its first three, a Dutch one between its digits
    and letters."""
    compact = "".join(code.upper().split())
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    if re.fullmatch(_EIRCODE, compact) and (compact[1:3].isdigit() or compact[:3] == "D6W"):
        return f"{compact[:3]} {compact[3:]}"
    if re.fullmatch(_UK_CODE, compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return code.strip()


def _complete(
    parts: _Parts,
    span: tuple[int, int],
    text: str,
    fields: dict[str, str],
    inline: tuple[int, str] | None = None,
) -> dict[str, str] | None:
    """The address around its city and postcode (parts ``span``, first to last): the street
    line in the same part before them (``inline``: where it starts and its text), else in the
    parts before them, where only flat lines ("Flat 3", "2. tv.") and one place ("Bishopston")
    may stand between; a flat line right before the street; the country after them."""
    first, last = span
    before: list[str] = []  # a flat line before the street: "Flat 3, 221B Baker Street"
    after: list[str] = []  # flat lines and a place between the street and the city
    if inline is not None:
        street, street_at = _street(inline[1], inline[0], text), first
    else:
        street, street_at = [], first
        while not street and street_at > max(0, first - 4):
            street_at -= 1
            begin, part = parts[street_at]
            if _FLAT.match(part):
                after.insert(0, part)
            elif not (street := _street(part, begin, text)):
                if street_at != first - 1 or _place(part) is None:
                    return None
                after.append(part)  # "27 Gloucester Road, Bishopston, Bristol BS7 8AA"
    if not street:
        return None
    prior = parts[street_at - 1][1] if street_at > 0 else ""
    if flat := _FLAT.match(prior) or _FLAT_AT_END.search(prior):
        before.append(flat[0].strip())
    if not fields.get("country") and last + 1 < len(parts):
        fields["country"] = country_name(_unlabelled(parts[last + 1][1])) or ""
    found = {"address1": street[0], "address2": ", ".join([*before, *street[1:], *after]), **fields}
    return {k: v for k, v in found.items() if v}


def _code_first(parts: _Parts, at: int, text: str) -> dict[str, str] | None:
    """The address whose postcode starts the city line in part ``at`` ("2200 København N",
    "Hauptstraße 5 10115 Berlin", "1012 NX Amsterdam, Netherlands")."""
    begin, part = parts[at]
    body = _unlabelled(part)
    offset = begin + len(part) - len(body)
    for found in _CODE_FIRST.finditer(body):
        where = offset + found.start()
        if _rank(text[max(0, where - 64) : where], _OTHER_NUMBER) is None:
            continue  # "order 12345 Berlin"
        read = _city_and_country(body[found.end() :])
        if read is None:
            continue
        code, (city, country) = found["zip"], read
        if re.fullmatch(r"\d{4}", code) and re.fullmatch(r"[A-Za-z]{2}\s+\S.*", city):
            code, city = f"{code} {city[:2]}", city[3:]  # "1012 nx amsterdam"
        before = body[: found.start()].strip()
        fields = {"city": city, "zip": _postcode(code), "country": country or ""}
        inline = (offset, before) if before else None
        if address := _complete(parts, (at, at), text, fields, inline):
            return address
    named = _place(parts[at + 1][1]) if at + 1 < len(parts) else None  # "10115, Berlin"
    if not named or not re.fullmatch(r"\d{4,5}", body):
        return None
    ranked = _rank(text[max(0, offset - 64) : offset], _OTHER_NUMBER) is not None
    return _complete(parts, (at, at + 1), text, {"city": named, "zip": body}) if ranked else None


def _code_after(parts: _Parts, at: int, text: str) -> dict[str, str] | None:
    """The address whose postcode in part ``at`` follows the city: in the same part ("London
    NW1 6XE", "12 Baker Street London NW1 6XE") or the one before ("London, NW1 6XE", "Dublin
    2, D02 X285", "City: London. Postcode: NW1 6XE"); a number ("Berlin 10115") only when a
    European country is named after it, else it may be a US zip without its state."""
    begin, part = parts[at]
    body = _unlabelled(part)
    offset = begin + len(part) - len(body)
    for found in reversed(list(_CODE_AFTER.finditer(body))):
        tail = _TRAILING_WORDS.sub("", f" {body[found.end() :]}").strip(" .")  # "..., please"
        country = country_name(tail)
        if tail and country is None:
            continue
        after = country_name(_unlabelled(parts[at + 1][1])) if at + 1 < len(parts) else None
        before = body[: found.start()].strip(" ,")
        if found["numeric"] and (country or after) in (None, "USA"):
            continue
        fields = {"zip": _postcode(found["zip"]), "country": country or ""}
        words = before.split()
        name = _name_before(words, 8)
        ends = [i for i, w in enumerate(name) if _STREET_END.match(w)]
        name = (name[ends[-1] + 1 :] if ends else name)[-4:]  # "12 Baker Street London"
        if before and _place(before) is not None:  # "london nw1 6xe"
            address = _complete(parts, (at, at), text, {**fields, "city": _unlabelled(before)})
        elif name and _named(name[0]):
            rest = " ".join(words[: len(words) - len(name)])
            inline = (offset, rest) if rest and _street(rest, offset, text) else None
            address = _complete(parts, (at, at), text, {**fields, "city": " ".join(name)}, inline)
        elif at > 0 and (city := _place(parts[at - 1][1], district=True)) is not None:
            address = _complete(parts, (at - 1, at), text, {**fields, "city": city})
        else:
            address = None
        if address:
            return address
    return None


def eu_address(text: str) -> dict[str, str] | None:
    """A British, Irish or other European address: ``12 Baker Street, London NW1 6XE``, ``Flat
    3, 221B Baker Street, London, NW1 6XE, United Kingdom``, ``Nørrebrogade 12, 2200 København
    N``, ``Hauptstraße 5, 10115 Berlin, Germany``, ``Kalverstraat 1, 1012 NX Amsterdam``,
    ``1 Grafton Street, Dublin 2, D02 X285``: a street line with a house number before or
    after the street's name, optional flat lines, the city with its postcode before it (a
    number, or Dutch "1012 NX") or after it (British, Eircode), and an optional country."""
    parts = _eu_parts(text)
    for at in range(len(parts)):
        if found := _code_first(parts, at, text) or _code_after(parts, at, text):
            return found
    return None


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
    rf"|(?<![\w#@.-])(?:{_UK_CODE}|{_EIRCODE})(?![\w-])"
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
