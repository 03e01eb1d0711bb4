"""A small IMAP4rev1 server on loopback, standing in for a mailbox in the email channel's tests.

It speaks just what polling needs (RFC 3501): CAPABILITY, LOGIN, SELECT, UID SEARCH UNSEEN,
UID FETCH (RFC822), UID STORE +FLAGS (\\Seen), NOOP and LOGOUT, over plain TCP, for one mailbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass
class StoredMail:
    uid: int
    data: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class ImapMailbox:
    username: str
    password: str
    name: str = "INBOX"
    mails: list[StoredMail] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # every command received, passwords out
    _next_uid: int = 1

    def deliver(self, data: bytes) -> int:
        uid = self._next_uid
        self._next_uid += 1
        self.mails.append(StoredMail(uid, data))
        return uid

    def unseen(self) -> list[int]:
        return [m.uid for m in self.mails if "\\Seen" not in m.flags]

    def by_uid(self, uid: int) -> tuple[int, StoredMail] | None:
        for sequence, mail in enumerate(self.mails, start=1):
            if mail.uid == uid:
                return sequence, mail
        return None


def _arguments(text: str) -> list[str]:
    return [
        quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted is not None else atom
        for quoted, atom in ((m.group(1), m.group(2)) for m in _ARGUMENT.finditer(text))
    ]


class _Session:
    def __init__(
        self, mailbox: ImapMailbox, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.mailbox = mailbox
        self.reader = reader
        self.writer = writer
        self.authenticated = False
        self.selected = False

    def send(self, line: str | bytes) -> None:
        self.writer.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    async def run(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] DeskPilot test IMAP server ready")
        while True:
            raw = await self.reader.readline()
            if not raw:
                return
            tag, _, rest = raw.decode().rstrip("\r\n").partition(" ")
            command, _, arguments = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                sub, _, arguments = arguments.partition(" ")
                command = f"UID {sub.upper()}"
            logged = "LOGIN ***" if command == "LOGIN" else f"{command} {arguments}".strip()
            self.mailbox.commands.append(logged)
            if not await self.answer(tag, command, _arguments(arguments)):
                return
            await self.writer.drain()

    async def answer(self, tag: str, command: str, args: list[str]) -> bool:
        """Answer one command; False when the connection is to close."""
        if command == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
            self.send(f"{tag} OK CAPABILITY completed")
        elif command == "NOOP":
            self.send(f"{tag} OK NOOP completed")
        elif command == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            await self.writer.drain()
            return False
        elif command == "LOGIN":
            if args[:2] == [self.mailbox.username, self.mailbox.password]:
                self.authenticated = True
                self.send(f"{tag} OK LOGIN completed")
            else:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
        elif not self.authenticated:
            self.send(f"{tag} BAD log in first")
        elif command == "SELECT":
            self.select(tag, args)
        elif not self.selected:
            self.send(f"{tag} BAD select a mailbox first")
        elif command == "UID SEARCH" and [a.upper() for a in args] == ["UNSEEN"]:
            self.send("* SEARCH " + " ".join(str(uid) for uid in self.mailbox.unseen()))
            self.send(f"{tag} OK SEARCH completed")
        elif command == "UID FETCH" and len(args) == 2 and args[1].upper() == "(RFC822)":
            self.fetch(tag, args[0])
        elif command == "UID STORE" and [a.upper() for a in args[1:]] == ["+FLAGS", "(\\SEEN)"]:
            self.store(tag, args[0])
        else:
            self.send(f"{tag} BAD unsupported command")
        return True

    def select(self, tag: str, args: list[str]) -> None:
        if args != [self.mailbox.name]:
            self.send(f"{tag} NO no such mailbox")
            return
        self.selected = True
        mails = self.mailbox.mails
        self.send(f"* {len(mails)} EXISTS")
        self.send("* 0 RECENT")
        self.send("* FLAGS (\\Seen)")
        self.send("* OK [UIDVALIDITY 1] UIDs valid")
        self.send(f"* OK [UIDNEXT {self.mailbox._next_uid}] predicted next UID")
        self.send(f"{tag} OK [READ-WRITE] SELECT completed")

    def fetch(self, tag: str, uid: str) -> None:
        found = self.mailbox.by_uid(int(uid)) if uid.isdigit() else None
        if found is not None:
            sequence, mail = found
            self.send(f"* {sequence} FETCH (UID {mail.uid} RFC822 {{{len(mail.data)}}}")
            self.writer.write(mail.data)
            self.send(")")
        self.send(f"{tag} OK FETCH completed")

    def store(self, tag: str, uid: str) -> None:
        found = self.mailbox.by_uid(int(uid)) if uid.isdigit() else None
        if found is not None:
            sequence, mail = found
            mail.flags.add("\\Seen")
            self.send(f"* {sequence} FETCH (UID {mail.uid} FLAGS (\\Seen))")
        self.send(f"{tag} OK STORE completed")


@asynccontextmanager
async def serve_imap(mailbox: ImapMailbox) -> AsyncIterator[int]:
    """Serve ``mailbox`` on a loopback port while the block runs; yield the port."""

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _Session(mailbox, reader, writer).run()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(connected, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
