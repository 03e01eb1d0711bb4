from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from deskpilot.models import Role


class LoginRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)
    workspace: str | None = Field(None, description="Workspace slug, if you belong to several.")


class MeRead(BaseModel):
    user_id: str | None
    api_key_id: str | None
    workspace_id: str
    role: Role
    email: str | None = None
    name: str | None = None
    csrf_token: str | None = Field(None, description="Send back in X-CSRF-Token on changes.")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=8, max_length=1024)


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.AGENT


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key. It is shown this once and cannot be read again.")


class MemberCreate(BaseModel):
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=1024)
    role: Role = Role.AGENT


class MemberUpdate(BaseModel):
    role: Role | None = None
    is_active: bool | None = None


class MemberRead(BaseModel):
    id: str = Field(description="The membership id, used in /users/{member_id}.")
    user_id: str
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: datetime
