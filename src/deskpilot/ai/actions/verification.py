# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Verifying who the customer is before any of their data is shown or changed.

Three ways, tried in this order, each enough by itself:

1. the channel verified the sender (a signed-in widget user, a verified email sender): the
   caller passes that customer id, trusted as is (followed to its live profile);
2. an email address plus an order id: the order must belong to the customer holding that email;
3. a full name plus a zip code: exactly one live customer has both. Two or more is ambiguous,
   and ambiguous is not verified.

Anything else (a name alone, an email alone, a customer id the customer typed) verifies nobody:
the policy asks for verification even when the customer states their id.

``identify`` decides whom the bot acts for in a conversation: one customer per conversation,
the channel's when it vouches for a shop customer, else the first one details prove. Details
the conversation says are someone else's ("her email is …", "我老婆的订单", "заказ жены":
``for_someone_else``) prove nobody: only the account holder is helped.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import service as customers
from deskpilot.customers.identity import normalise_email
from deskpilot.kit.errors import NotFound
from deskpilot.models import Customer, IdentityKind
from deskpilot.orders import service as orders

SEARCH_PAGE = 100
MAX_CANDIDATES = 1000  # more profiles than this carrying the name: treated as ambiguous


_RELATIVES_EN = (
    r"wife|husband|partner|friend|girlfriend|boyfriend|mom|mum|mother|dad|father|son|daughter"
    r"|sister|brother|boss|colleague|neighbou?r|client|grandma|grandmother|grandpa|grandfather"
)
_DETAILS_EN = r"e-?mail|order|account|zip|postcode|details|name|password"
_RELATIVES_ZH = (
    r"老婆|老公|妻子|丈夫|爱人|朋友|妈妈|爸爸|母亲|父亲|女儿|儿子|同事|女朋友|男朋友|老板|家人|邻居"
)
_RELATIVES_RU = (
    r"жен[ыуе]|муж[ау]?|друг[ау]?|подруг[иу]|мам[ыу]|пап[ыу]|сын[ау]|дочер(?:и|ью)|дочь"
    r"|коллег[иу]|начальник[ау]?|сосед[ау]?"
)
_DETAILS_RU = r"почт\w*|email|e-mail|имейл\w*|заказ\w*|аккаунт\w*|кабинет\w*"
# details said to be someone else's: "her email is …", "my wife's order", "I'm Priya's husband",
# "on behalf of", "她的邮箱", "帮我老婆取消", "我是赵敏的老公", "её почта", "заказ жены", "за мужа"
_SOMEONE_ELSE = re.compile(
    rf"\b(?:her|his|their)\s+(?:{_DETAILS_EN})\b"
    rf"|\b(?:{_RELATIVES_EN})['’]s\s+(?:{_DETAILS_EN})\b"
    rf"|\bi['’]?m\s+\w+['’]s\s+(?:{_RELATIVES_EN}|assistant)\b"
    r"|\bon\s+behalf\s+of\b"
    rf"|(?:她|他)的(?:邮箱|订单|账户|账号|名字|手机)|(?:{_RELATIVES_ZH})的(?:邮箱|订单|账户|账号)"
    rf"|(?:帮|替|代)(?:她|他|我?(?:{_RELATIVES_ZH}))|我是\S{{1,4}}的(?:{_RELATIVES_ZH})"
    rf"|(?<![а-яё])(?:е[её]|его)\s+(?:{_DETAILS_RU})"
    rf"|(?<![а-яё])(?:{_DETAILS_RU})\s+(?:моей\s+|моего\s+)?(?:{_RELATIVES_RU})(?![а-яё])"
    rf"|(?<![а-яё])(?:за|вместо)\s+(?:мою\s+|моего\s+)?(?:{_RELATIVES_RU})(?![а-яё])"
    r"|(?<![а-яё])от\s+имени(?![а-яё])",
    re.IGNORECASE,
)


def for_someone_else(text: str) -> bool:
    """Whether the text says the details or the order are someone else's ("her email is …",
    "I'm Priya's husband", "帮我老婆取消", "заказ жены"): they verify nobody."""
    return _SOMEONE_ELSE.search(text) is not None


@dataclass(frozen=True, slots=True)
class Claims:
    """What is known about who is writing: from the channel, or said in the conversation."""

    channel_customer_id: str | None = None  # verified by the channel: trusted
    email: str | None = None
    order_id: str | None = None
    name: str | None = None
    zip: str | None = None

    def values(self) -> list[str]:
        """The details said, as written (without the channel's customer id)."""
        return [v for v in (self.email, self.order_id, self.name, self.zip) if v]


async def verify(session: AsyncSession, workspace_id: str, claims: Claims) -> str | None:
    """The verified customer's (live) id, or None when the claims verify nobody (or several)."""
    if claims.channel_customer_id:
        with contextlib.suppress(NotFound):
            customer = await customers.live_customer(
                session, workspace_id, claims.channel_customer_id
            )
            return customer.id
    if claims.email and claims.order_id:
        found = await _by_email_and_order(session, workspace_id, claims.email, claims.order_id)
        if found is not None:
            return found
    if claims.name and claims.zip:
        return await _by_name_and_zip(session, workspace_id, claims.name, claims.zip)
    return None


@dataclass(frozen=True, slots=True)
class Identified:
    """Whom the bot acts for in this turn."""

    customer_id: str | None
    by_details: bool = False  # verified by details said in the conversation: remember it
    rejected: bool = False  # details were offered, and they verify nobody
    someone_else: bool = False  # details were offered as someone else's: they verify nobody


def _says_any(claims: Claims) -> bool:
    return bool(claims.email or claims.order_id or claims.name or claims.zip)


def offers_details(claims: Claims) -> bool:
    """The claims hold a whole proof: an email and an order id, or a name and a zip."""
    return bool((claims.email and claims.order_id) or (claims.name and claims.zip))


async def identify(
    session: AsyncSession,
    workspace_id: str,
    *,
    channel_customer_id: str | None,
    remembered: str | None,
    said_now: Claims,
    said_so_far: Claims,
    someone_else: bool = False,
) -> Identified:
    """Whom the bot acts for. The policy helps one customer per conversation, so it is the
    first of these, and nothing said later moves it to another customer:

    1. the channel's verified customer (``channel_customer_id``) when they have orders: the
       shop customer the channel vouches for. Details that prove someone else ("cancel my
       husband's order, his email is …") verify nobody here;
    2. the customer verified by details earlier in the conversation (``remembered``);
    3. otherwise (a visitor, or a channel profile with no orders, such as a messaging account
       not linked to the shop account) the customer the details said so far
       (``said_so_far``) identify; ``said_now`` tells whether this message offered a guess;
       none when the conversation said the details are ``someone_else``'s.
    """
    channel = await _live(session, workspace_id, channel_customer_id)
    if channel is not None and await _has_orders(session, workspace_id, channel):
        return Identified(channel)
    if remembered:
        return Identified(remembered, by_details=True)
    if someone_else and offers_details(said_so_far):
        return Identified(None, someone_else=True)
    found = await verify(session, workspace_id, _details(said_so_far))
    # a failed proof counts once: a later message that adds no detail is no new guess
    guessed = offers_details(said_so_far) and _says_any(said_now)
    return Identified(found, by_details=found is not None, rejected=guessed and not found)


def _details(claims: Claims) -> Claims:
    """The claims said in the conversation, without the channel's."""
    return Claims(email=claims.email, order_id=claims.order_id, name=claims.name, zip=claims.zip)


async def _live(session: AsyncSession, workspace_id: str, customer_id: str | None) -> str | None:
    if not customer_id:
        return None
    try:
        return (await customers.live_customer(session, workspace_id, customer_id)).id
    except NotFound:
        return None


async def _has_orders(session: AsyncSession, workspace_id: str, customer_id: str) -> bool:
    found, _ = await orders.list_customer_orders(session, workspace_id, customer_id, None, 1)
    return bool(found)


async def _owner_of_order(session: AsyncSession, workspace_id: str, order_id: str) -> str | None:
    """The live id of the customer who owns the order, None for an unknown or unowned order."""
    order = await orders.find_order(session, workspace_id, order_id)
    if order is None:
        return None
    return await _live(session, workspace_id, order.customer_id)


async def _by_email_and_order(
    session: AsyncSession, workspace_id: str, email: str, order_id: str
) -> str | None:
    try:
        key = normalise_email(email)
    except ValueError:
        return None
    customer = await customers.owner_of(session, workspace_id, IdentityKind.EMAIL, key)
    if customer is None:
        return None
    owner = await _owner_of_order(session, workspace_id, order_id)
    return customer.id if owner == customer.id else None


def name_key(name: str) -> str:
    """Case, spacing and word order do not matter: ``brown  NOAH`` is ``Noah Brown``."""
    return " ".join(sorted(name.casefold().split()))


def zip_key(postcode: str) -> str:
    """``80279-1234`` and ``80279`` are the same US zip; spaces and dashes do not matter."""
    compact = re.sub(r"[\s-]", "", postcode).upper()
    if re.fullmatch(r"\d{9}", compact):
        return compact[:5]
    return compact


async def _by_name_and_zip(
    session: AsyncSession, workspace_id: str, name: str, postcode: str
) -> str | None:
    wanted_name, wanted_zip = name_key(name), zip_key(postcode)
    if not wanted_name or not wanted_zip:
        return None
    candidates = await _named_like(session, workspace_id, name)
    if candidates is None:
        return None
    matches = {
        c.id
        for c in candidates
        if c.name and c.postcode and name_key(c.name) == wanted_name
        if zip_key(c.postcode) == wanted_zip
    }
    return matches.pop() if len(matches) == 1 else None


async def _named_like(session: AsyncSession, workspace_id: str, name: str) -> list[Customer] | None:
    """Live profiles whose name contains the name's longest word; None when there are too many."""
    word = max(name.split(), key=len)
    found: list[Customer] = []
    cursor: str | None = None
    while True:
        page, cursor = await customers.search_customers(
            session, workspace_id, word, cursor, SEARCH_PAGE
        )
        found.extend(page)
        if cursor is None:
            return found
        if len(found) >= MAX_CANDIDATES:
            return None
