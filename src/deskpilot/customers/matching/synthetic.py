# ruff: noqa: RUF001, SIM905 - Cyrillic names on purpose; word lists read best as text
"""Synthetic customer profiles with planted duplicates, for tests, tuning and the benchmark.

Each person gets one clean profile; some get duplicates, each corrupted the way real CRM and
channel data is: typos, given name and surname swapped, missing fields, Gmail dots and tags,
phone numbers in other formats, a mistyped birthday, a changed email, and for the Chinese and
Russian customers the name written in the other script (``张伟`` / ``Zhang Wei``,
``Сергей Иванов`` / ``Sergey Ivanov``). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST = (
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy "
    "ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin "
    "scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry "
    "tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter "
    "christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan "
    "jesse bryan billy bruce gabriel joe logan albert willie alan eugene russell vincent "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy "
    "betty sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah "
    "stephanie dorothy rebecca sharon laura cynthia amy kathleen angela shirley brenda emma "
    "anna pamela nicole samantha katherine christine helen debra rachel carolyn janet maria "
    "catherine heather diane olivia julie joyce victoria ruth virginia lauren kelly christina "
    "joan evelyn judith andrea hannah megan cheryl jacqueline martha madison teresa gloria "
    "sara janice ann kathryn abigail sophia frances jean alice judy isabella julia grace "
    "amber denise danielle marilyn beverly charlotte natalie theresa diana brittany doris "
    "kayla alexis lori marie isla lola evie freya poppy ruby daisy oliver harry leo oscar"
).split()
SURNAMES = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez "
    "gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white "
    "harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres "
    "nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts "
    "gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales "
    "murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos "
    "kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes "
    "price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins perry "
    "russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons "
    "romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west "
    "cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro "
    "marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry "
    "chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez "
    "silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd "
    "rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols "
    "stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce "
    "hansen peters santos hart bradley knight elliott cunningham duncan armstrong hudson "
    "carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews"
).split()
CHINESE_SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 欧阳 司马".split()
CHINESE_GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 小明".split()
)
RUSSIAN_FIRST = (
    "Сергей Алексей Дмитрий Андрей Иван Михаил Николай Юрий Владимир Ольга Наталья Елена "
    "Татьяна Ирина Светлана Анна Мария Екатерина Евгений Павел"
).split()
RUSSIAN_SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев"
).split()
# How people commonly romanise what the engine's table writes differently.
_ROMANISED = {
    "Сергей": "Sergey", "Алексей": "Alexey", "Юрий": "Yuriy", "Дмитрий": "Dmitry",
    "Евгений": "Evgeny", "Наталья": "Natalya", "Татьяна": "Tatyana", "Мария": "Maria",
    "Фёдоров": "Fyodorov", "Семёнов": "Semyonov", "Андрей": "Andrey", "Николай": "Nikolay",
}  # fmt: skip
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
CITIES = (
    "London Birmingham Manchester Leeds Glasgow Sheffield Bradford Liverpool Edinburgh Bristol "
    "Cardiff Leicester Coventry Hull Belfast Nottingham Newcastle Southampton Derby Portsmouth "
    "Plymouth Reading Brighton York Oxford Cambridge Norwich Exeter Bath Aberdeen"
).split()
STREETS = tuple(
    f"{name} {kind}"
    for name in (
        "high station church park mill victoria green manor kings queens new london grove "
        "york elm chapel west main north south east oak ash beech cedar willow meadow bridge "
        "castle market school mount hill river spring windsor albert george nelson"
    ).split()
    for kind in ("street", "road", "lane", "avenue", "close", "way", "drive", "place")
)
DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.co.uk",
    "icloud.com",
    "mail.ru",
    "qq.com",
    "example.org",
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class SyntheticSet:
    records: list[dict[str, str]]
    truth: list[str]


def _pinyin(han: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(han)).capitalize()


def _russian_latin(name: str) -> str:
    if name in _ROMANISED:
        return _ROMANISED[name]
    return "".join(_LATIN.get(c, c) for c in name.lower()).capitalize()


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.3:
        return word[:at] + word[at + 1 :]
    if kind < 0.6:
        return word[:at] + rng.choice(_LETTERS) + word[at + 1 :]
    if kind < 0.8 and at < len(word) - 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice(_LETTERS) + word[at:]


def _person(rng: random.Random, number: int) -> dict[str, str]:
    kind = rng.random()
    year = rng.randint(1940, 2006)
    dob = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind < 0.03:
        surname, given = rng.choice(CHINESE_SURNAMES), rng.choice(CHINESE_GIVEN)
        first, last, script = given, surname, "han"
        handle = f"{_pinyin(given)}.{_pinyin(surname)}".lower()
    elif kind < 0.06:
        first, last, script = rng.choice(RUSSIAN_FIRST), rng.choice(RUSSIAN_SURNAMES), "cyrillic"
        if first[-1] == "а" and not last.endswith("а"):
            last += "а"  # Ольга Иванова
        handle = f"{_russian_latin(first)}.{_russian_latin(last)}".lower()
    else:
        first, last = rng.choice(FIRST).capitalize(), rng.choice(SURNAMES).capitalize()
        script, handle = (
            "latin",
            rng.choice((f"{first}.{last}", f"{first[0]}{last}", first)).lower(),
        )
    email = f"{handle}{rng.randint(1, 999) if rng.random() < 0.7 else ''}@{rng.choice(DOMAINS)}"
    return {
        "first_name": first,
        "surname": last,
        "dob": dob,
        "email": email,
        "phone": f"+447{rng.randint(100000000, 999999999)}",
        "city": rng.choice(CITIES),
        "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
        "postcode": f"{rng.choice('BEGLMNS')}{rng.randint(1, 30)} {rng.randint(1, 9)}"
        f"{rng.choice(_LETTERS).upper()}{rng.choice(_LETTERS).upper()}",
        "_script": script,
        "_number": str(number),
    }


def _other_script(rng: random.Random, row: dict[str, str], script: str) -> None:
    if script == "han":
        given, surname = _pinyin(row["first_name"]), _pinyin(row["surname"])
        row.pop("first_name")
        row.pop("surname")
        order = (surname, given) if rng.random() < 0.5 else (given, surname)
        row["full_name"] = " ".join(order)
    elif script == "cyrillic":
        row["first_name"] = _russian_latin(row["first_name"])
        row["surname"] = _russian_latin(row["surname"])


def _duplicate(rng: random.Random, base: dict[str, str]) -> dict[str, str]:
    row = dict(base)
    script = row["_script"]
    if script != "latin" and rng.random() < 0.6:
        _other_script(rng, row, script)
    elif script == "latin":
        for name in ("first_name", "surname"):
            if rng.random() < 0.2:
                row[name] = _typo(rng, row[name])
        if rng.random() < 0.05:
            row["first_name"], row["surname"] = row["surname"], row["first_name"]
        if rng.random() < 0.05:
            row["first_name"] = row["first_name"][:1]
    if rng.random() < 0.08:
        y, m, d = row["dob"].split("-")
        row["dob"] = rng.choice(
            (
                f"{y}-{d}-{m}" if int(d) <= 12 else f"{y}-{m}-{d}",
                f"{y[:3]}{rng.randint(0, 9)}-{m}-{d}",
                f"{y}-{m}-{(int(d) % 28) + 1:02d}",
            )
        )
    local, _, domain = row["email"].partition("@")
    roll = rng.random()
    if roll < 0.1:
        row["email"] = f"{_typo(rng, local)}@{domain}"
    elif roll < 0.2:
        row["email"] = f"{local}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
    elif domain == "gmail.com" and roll < 0.5:
        row["email"] = f"{local.replace('.', '')}+shop@gmail.com".title().replace("+Shop", "+shop")
    number = row["phone"][4:]  # after +447
    row["phone"] = rng.choice(
        (
            row["phone"],
            f"07{number[:3]} {number[3:]}",
            f"+44 (0)7{number[:3]} {number[3:6]} {number[6:]}",
        )
    )
    if rng.random() < 0.1:
        row["city"] = _typo(rng, row["city"])
    for name in ("dob", "email", "phone", "city", "address", "postcode"):
        if rng.random() < 0.25:
            row[name] = ""
    return row


def generate(profiles: int, seed: int = 1, duplicate_rate: float = 0.3) -> SyntheticSet:
    """About ``profiles`` records; a person has 1 to 4 of them (``duplicate_rate`` have more)."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    number = 0
    while len(rows) < profiles:
        base = _person(rng, number)
        rows.append(base)
        if rng.random() < duplicate_rate:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                rows.append(_duplicate(rng, base))
        number += 1
    rows = rows[:profiles]
    rng.shuffle(rows)
    records, truth = [], []
    for index, row in enumerate(rows):
        truth.append(row.pop("_number"))
        row.pop("_script")
        records.append({"unique_id": str(index), **row})
    return SyntheticSet(records=records, truth=truth)
