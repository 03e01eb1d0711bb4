"""Who is asking, as the engine needs to know it every turn: the customer the bot acts for,
what of a proof a message gives, and whether a message names someone else's account.

A customer verified by details (``verification.identify``) is remembered in the conversation's
state for the rest of it; the channel's verified customer is read every turn.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.actions.slots import emails
from deskpilot.ai.actions.verification import (
    Claims,
    Identified,
    for_someone_else,
    identify,
    offers_details,
)
from deskpilot.ai.requests import only_details
from deskpilot.ai.turn import Turn, claims, verification_locked
from deskpilot.customers import service as customers


class WhoIsAsking:
    """The verification side of one engine: one session, one workspace."""

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def customer(self, turn: Turn) -> Identified:
        """Whom the bot acts for (``verification.identify``); a customer verified by details
        is remembered for the rest of the conversation, the channel's is read every turn."""
        said_so_far, said_now = self._said(turn, turn.history), self._said(turn, [])
        if verification_locked(turn):  # no more guesses: only the order in question counts
            said_so_far, said_now = Claims(order_id=said_so_far.order_id), Claims()
        found = await identify(
            self.session,
            self.workspace_id,
            channel_customer_id=turn.customer_id if turn.channel_verified else None,
            remembered=turn.state.verified_customer_id,
            said_now=said_now,
            said_so_far=said_so_far,
            someone_else=any(map(for_someone_else, [turn.text, *turn.history])),
        )
        if found.by_details:
            turn.state.verified_customer_id = found.customer_id
        return found

    async def detail_missing(self, turn: Turn) -> str | None:
        """What would complete the proof when the message gives only part of one (an email,
        a name, a zip, an order number) and nothing else, from someone not yet verified;
        "nothing" from someone verified already (and not in the middle of a request)."""
        said = self._said(turn, [])
        if said == Claims() or not only_details(turn.text, said.values()):
            return None
        so_far = self._said(turn, turn.history)
        if (await self.customer(turn)).customer_id:
            return "nothing" if not turn.state.pending_intent else None
        if offers_details(so_far):
            return None
        # the other half of what this message gives
        if said.name or said.zip:
            return "zip" if said.name else "name"
        return "order" if said.email else "email"

    async def remember_proof(self, turn: Turn) -> Claims | None:
        """The first customer the details said in the conversation prove is its one customer,
        from the message that completes the proof, whatever that message asks ("I'm Noah
        Brown, zip 80279"): details proving someone else later change nothing. The details of
        this message when it proved who they are, else None."""
        if turn.state.verified_customer_id:
            return None
        said = self._said(turn, [])
        if said == Claims() or not offers_details(self._said(turn, turn.history)):
            return None
        return said if (await self.customer(turn)).by_details else None

    @staticmethod
    def _said(turn: Turn, history: list[str]) -> Claims:
        return claims(turn.text, history, asked_who=turn.asked_who)

    async def unknown(self, turn: Turn) -> bool:
        """Whether nobody is verified in this conversation yet."""
        return (await self.customer(turn)).customer_id is None

    async def note_asked_who(self, turn: Turn) -> None:
        """Whether the bot waits for the visitor to say who they are (a flow waits, and nobody
        is verified yet): then a name typed in lower case counts ("priya nair 02139")."""
        waits = turn.waited_on not in (None, "clarify") and not turn.state.verified_customer_id
        turn.asked_who = waits and await self.unknown(turn)  # no lookup once verified

    async def names_someone_else(self, text: str, customer_id: str) -> bool:
        """The message names an email address that is not the verified customer's."""
        named = {email.lower() for email in emails(text)}
        if not named:
            return False
        own = {
            identity.value.lower()
            for identity in await customers.identities_of(
                self.session, self.workspace_id, customer_id
            )
        }
        return bool(named - own)
