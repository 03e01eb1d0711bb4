"""IMAP polling against a stand-in IMAP4rev1 server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from deskpilot.channels.email.imap import ImapError, poll_channel
from deskpilot.channels.email.tasks import POLL_IMAP_JOB, poll_imap
from deskpilot.channels.email.threads import token_for
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs.registry import JobContext, NoPayload, default_registry
from deskpilot.models import Channel
from tests.channels.email_helpers import (
    conversations_of,
    counts,
    email_channel,
    eml,
    mail,
    messages_of,
)
from tests.factories import Tenant
from tests.support.imap_server import ImapMailbox, serve_imap

IMAP_SECRET = "imap-secret"


@pytest.fixture
async def mailbox() -> AsyncIterator[tuple[ImapMailbox, int]]:
    box = ImapMailbox(username="support@acme.test", password=IMAP_SECRET)
    async with serve_imap(box) as port:
        yield box, port


async def imap_channel(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    port: int,
    secret: str,
) -> Channel:
    created = await email_channel(
        client,
        tenant,
        inbound=None,
        imap_host="127.0.0.1",
        imap_port=port,
        imap_tls="none",
        secrets={"imap_username": "support@acme.test", "imap_password": secret},
    )
    async with database.transaction() as session:
        channel = await session.get(Channel, created["id"])
    assert channel is not None
    return channel


async def run_poll(resources: Resources) -> None:
    """The periodic job, as a worker runs it."""
    async with resources.database.transaction() as session:
        await poll_imap(JobContext(session, "job-1", None, 1, {Resources: resources}), NoPayload())


async def test_the_poll_is_a_registered_periodic_job() -> None:
    assert POLL_IMAP_JOB in [job.name for job in default_registry.periodic_jobs]


async def test_unseen_mail_is_stored_and_marked_seen_and_automatic_mail_is_dropped(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    mailbox: tuple[ImapMailbox, int],
) -> None:
    box, port = mailbox
    await imap_channel(client, tenant, resources.database, port, IMAP_SECRET)
    for name in ("plain_reply.eml", "html_only.eml", "out_of_office.eml", "bounce.eml"):
        box.deliver(eml(name))
    box.deliver(b"\r\n")  # not a mail message: skipped, marked seen
    await run_poll(resources)
    assert box.unseen() == []
    assert await counts(database) == (2, 2)
    texts = sorted(
        [
            m["text"]
            for c in await conversations_of(client, tenant)
            for m in await messages_of(client, tenant, c["id"])
        ]
    )
    assert texts[0].startswith("Hello,\n\nMy card was charged twice for invoice 2024-0611:")
    assert "- 3 June, \u00a349.00\n- 3 June, \u00a349.00" in texts[0]
    assert "Thank you for your payment" not in texts[0]  # Outlook's quoted history
    assert texts[1].startswith("Hi,\n\nThe parcel arrived")
    assert "LOGIN ***" in box.commands
    assert "UID SEARCH UNSEEN" in box.commands


async def test_a_crash_before_seen_delivers_again_but_stores_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    mailbox: tuple[ImapMailbox, int],
) -> None:
    box, port = mailbox
    channel = await imap_channel(client, tenant, resources.database, port, IMAP_SECRET)
    box.deliver(eml("with_attachment.eml"))
    first = await poll_channel(resources, channel)
    assert (first.stored, box.unseen()) == (1, [])
    box.mails[0].flags.clear()  # as if the process died before STORE \Seen
    again = await poll_channel(resources, channel)
    assert (again.stored, again.duplicates, box.unseen()) == (0, 1, [])
    assert await counts(database) == (1, 1)


async def test_an_oversize_attachment_is_left_out_and_noted(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    mailbox: tuple[ImapMailbox, int],
) -> None:
    box, port = mailbox
    channel = await imap_channel(client, tenant, resources.database, port, IMAP_SECRET)
    box.deliver(mail("big@example.com", "See the file.", attachment=b"x" * (10 * 1024 * 1024 + 1)))
    assert (await poll_channel(resources, channel)).stored == 1
    [conversation] = await conversations_of(client, tenant)
    [message] = await messages_of(client, tenant, conversation["id"])
    assert message["attachments"] == []
    assert message["text"].startswith("See the file.\n\n[attachment 'big.bin' (10485761 bytes)")


async def test_threading_by_in_reply_to_and_by_subject_token(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    mailbox: tuple[ImapMailbox, int],
) -> None:
    box, port = mailbox
    channel = await imap_channel(client, tenant, resources.database, port, IMAP_SECRET)
    box.deliver(mail("first@example.com", subject="Broken zipper"))
    await poll_channel(resources, channel)
    [conversation] = await conversations_of(client, tenant)
    box.deliver(mail("second@example.com", "Any news?", in_reply_to="first@example.com"))
    token = token_for("first@example.com")
    box.deliver(mail("third@example.com", "Hello?", subject=f"Re: Broken zipper [{token}]"))
    await poll_channel(resources, channel)
    assert len(await conversations_of(client, tenant)) == 1
    texts = [m["text"] for m in await messages_of(client, tenant, conversation["id"])]
    assert texts == ["Hello, where is my parcel?", "Any news?", "Hello?"]


async def test_a_wrong_password_is_an_error_and_leaves_mail_unseen(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    resources: Resources,
    mailbox: tuple[ImapMailbox, int],
) -> None:
    box, port = mailbox
    channel = await imap_channel(client, tenant, resources.database, port, "wrong-password")
    box.deliver(eml("plain_reply.eml"))
    with pytest.raises(ImapError, match="LOGIN"):
        await poll_channel(resources, channel)
    await run_poll(resources)  # the job logs it and goes on
    assert box.unseen() == [1]
    assert await counts(database) == (0, 0)
