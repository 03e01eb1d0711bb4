# ruff: noqa: RUF001 - letters and punctuation of European languages
"""British, Irish and other European postal addresses in a customer's message (pure
functions): ``eu_address`` reads them, ``country_name`` and ``postcode_fits`` know the
countries and the shapes of their postcodes."""

from __future__ import annotations

import re

from deskpilot.ai.actions.address_numbers import (
    NOT_A_STREET,
    OTHER_NUMBER,
    number_rank,
    street_rank,
)

# the countries whose names and postcodes are known: the name recorded, what customers call it,
# the shape of its postcodes
UK_CODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}"
_FOUR, _FIVE, _SIX = r"\d{4}", r"\d{5}", r"\d{6}"
_COUNTRY_TABLE = (
    ("United Kingdom", "united kingdom|the united kingdom|uk|u.k.|the uk|great britain|britain|gb"
     "|england|scotland|wales|northern ireland", UK_CODE),
    ("Ireland", "ireland|republic of ireland|éire|eire", EIRCODE),
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
    rf"(?<![\w#@.:/-])(?P<zip>{UK_CODE}|{EIRCODE}|(?P<numeric>\d{{4,5}}))(?![\w-])", re.I
)
_EU_SPLIT = re.compile(r"[,;\n]+|(?:(?<=\w{3})|(?<=\b[A-Z]{2}))\.\s+(?=[A-ZÀ-ÖØ-Þ])")
_LABEL = re.compile(
    r"^(?:(?:street|address(?:\s+line\s*1)?|city|town|post\s*code|postal\s*code|zip(?:\s*code)?"
    r"|country|by|stadt|ort|ville|plaats|postnummer|postnr|plz|land|pays|straße|gade|rue)\s*:\s*)",
    re.IGNORECASE,
)
_FLAT = re.compile(
    r"^(?:(?:flat|apartment|apt|unit|suite|ste|room|floor|wohnung|whg|appartement|appt|lejlighed"
    r"|étage|etage|bâtiment|bât|escalier|esc|porte|bus|boîte|bte|c/o)(?:\.\s*|\s+|(?=\d))"
    r"[\w/-]{1,12}"
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
    r"|crescent|court|grove|row|hill|mews|walk|parade|quay|wharf|broadway|boulevard|blvd|bd|rue|gate"
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
    rf"(?<![\w#@.:/-])(?P<number>{_HOUSE})\s+(?!{NOT_A_STREET})"
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
    while taken and taken[0] in _PARTICLES:  # "to Rue de Rivoli"; "Am Markt" keeps its "Am"
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


_CITY_AND_COUNTRY_WORDS = 9
_CITY_AND_COUNTRY_CHARS = 120


def _city_and_country(rest: str) -> tuple[str, str | None] | None:
    """The city after a postcode ("København N", "Berlin Germany"), and the country after it:
    at most nine words (a place has five at most, a country four) and 120 characters, so a
    long part is none at once."""
    if len(rest) > _CITY_AND_COUNTRY_CHARS:
        return None
    words = _TRAILING_WORDS.sub("", rest).split()
    if len(words) > _CITY_AND_COUNTRY_WORDS:
        return None
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
    # a street type among the words ("12 Baker Street", "10 rue de Rivoli"): "2 Lamps arrived,
    # 2024 Model is broken" is no address
    if (
        not any(_STREET_TYPE.search(w) for w in words)
        or words[0].casefold().rstrip(".") in _NOT_A_NAME
    ):
        return []
    if street_rank(text[max(0, start - 64) : start]) is None:
        return []
    return [f"{first['number']} {' '.join(words)}"]


def _postcode(code: str) -> str:
    """A postcode as written on a parcel: a British one in upper case with a space before its
    last three characters, an Eircode after its first three, a Dutch one between its digits
    and letters."""
    compact = "".join(code.upper().split())
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    if re.fullmatch(EIRCODE, compact) and (compact[1:3].isdigit() or compact[:3] == "D6W"):
        return f"{compact[:3]} {compact[3:]}"
    if re.fullmatch(UK_CODE, compact):
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
        if number_rank(text[max(0, where - 64) : where], OTHER_NUMBER) is None:
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
    ranked = number_rank(text[max(0, offset - 64) : offset], OTHER_NUMBER) is not None
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
        if len(body) - found.end() > _CITY_AND_COUNTRY_CHARS:
            break  # what follows is no country: nor for a postcode further back
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
