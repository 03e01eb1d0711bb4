"""An email channel's settings (``config``) and secrets, as the channel API validates them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from deskpilot.kit.crypto import new_token

# Any addr-spec: no stricter check, so internal domains (.local, .internal, .test) work too.
Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s<>]+@[^@\s<>]+$"),
]


class EmailConfig(BaseModel):
    inbound_address: Address | None = Field(
        None,
        description="Address the built-in SMTP listener accepts mail for (RCPT TO). "
        "Empty: this channel takes no mail through the listener.",
    )
    from_address: Address = Field(description="Sender address of replies.")
    from_name: str | None = Field(None, max_length=200, description="Sender name of replies.")
    smtp_host: str | None = Field(
        None, max_length=255, description="Relay replies go through. Empty: replies fail."
    )
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="`starttls` (port 587), `ssl` (implicit TLS, 465) or `none`."
    )
    smtp_timeout_seconds: float = Field(30.0, gt=0, le=300)
    imap_host: str | None = Field(
        None, max_length=255, description="Mailbox polled for new mail. Empty: no polling."
    )
    imap_port: int = Field(993, ge=1, le=65535)
    imap_tls: Literal["ssl", "none"] = Field("ssl", description="`ssl` (993) or `none` (143).")
    imap_mailbox: str = Field("INBOX", min_length=1, max_length=200)


class EmailSecrets(BaseModel):
    smtp_username: str | None = Field(None, max_length=320)
    smtp_password: str | None = Field(None, max_length=1000)
    imap_username: str | None = Field(None, max_length=320)
    imap_password: str | None = Field(None, max_length=1000)
    gateway_secret: str = Field(
        default_factory=lambda: new_token(24),
        min_length=16,
        description="Signs raw messages a mail gateway POSTs to the channel's webhook. "
        "Generated when not given.",
    )


def email_config(config: Mapping[str, object]) -> EmailConfig:
    """The stored (already validated) config, typed."""
    return EmailConfig.model_validate(dict(config))
