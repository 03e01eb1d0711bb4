"""The people of a workspace: create users, give and change roles, remove members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.credentials import normalise_email
from deskpilot.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from deskpilot.auth.principal import Principal
from deskpilot.auth.repository import CredentialRepository, MembershipRepository, UserRepository
from deskpilot.kit.errors import Conflict, Forbidden, InvalidInput
from deskpilot.models import Membership, Role, User


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")


async def create_user(session: AsyncSession, *, email: str, name: str, password: str) -> User:
    check_password(password)
    users = UserRepository(session)
    email = normalise_email(email)
    if await users.by_email(email) is not None:
        raise Conflict(f"a user with email {email!r} already exists", fields=[])
    user = users.add(
        User(email=email, name=name.strip() or email, password_hash=hash_password(password))
    )
    await session.flush()
    return user


async def add_member(
    session: AsyncSession, workspace_id: str, user: User, role: Role, *, by: Principal | None
) -> Membership:
    _check_may_grant(by, role)
    members = MembershipRepository(session, workspace_id)
    if await members.of_user(user.id) is not None:
        raise Conflict(f"{user.email} is already a member of this workspace")
    membership = members.add(Membership(workspace_id=workspace_id, user_id=user.id, role=role))
    await session.flush()
    return membership


async def ensure_user_with_role(
    session: AsyncSession, workspace_id: str, *, email: str, name: str, password: str, role: Role
) -> tuple[User, Membership]:
    """Create the user if needed and make sure they are a member (used by the CLI and the demo)."""
    user = await UserRepository(session).by_email(normalise_email(email))
    if user is None:
        user = await create_user(session, email=email, name=name, password=password)
    membership = await MembershipRepository(session, workspace_id).of_user(user.id)
    if membership is None:
        membership = await add_member(session, workspace_id, user, role, by=None)
    return user, membership


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    return await UserRepository(session).by_id(user_id)


async def members(session: AsyncSession, workspace_id: str) -> Sequence[tuple[Membership, User]]:
    return await MembershipRepository(session, workspace_id).with_users()


async def change_member(
    session: AsyncSession,
    by: Principal,
    member_id: str,
    *,
    role: Role | None,
    is_active: bool | None,
) -> tuple[Membership, User]:
    repo = MembershipRepository(session, by.workspace_id)
    membership = await repo.get_or_404(member_id)
    user = await UserRepository(session).by_id(membership.user_id)
    assert user is not None  # memberships cascade with their user
    if role is not None and role != membership.role:
        _check_may_grant(by, role)
        _check_may_grant(by, membership.role)
        if membership.role == Role.OWNER:
            await _keep_an_owner(repo, membership)
        membership.role = role
    if is_active is not None and is_active != user.is_active:
        if membership.user_id == by.user_id:
            raise Forbidden("you cannot disable your own account")
        _check_may_grant(by, membership.role)
        # An account is shared by all the user's workspaces: one workspace must not lock the
        # user out of another.
        if len(await UserRepository(session).memberships_of(user.id)) > 1:
            raise Conflict(
                f"{user.email} also belongs to other workspaces; "
                "remove them from this workspace instead"
            )
        if not is_active and membership.role == Role.OWNER:
            await _keep_an_owner(repo, membership)
        user.is_active = is_active
        if not is_active:
            await CredentialRepository(session).delete_sessions_of(user.id)
    return membership, user


async def remove_member(session: AsyncSession, by: Principal, member_id: str) -> None:
    repo = MembershipRepository(session, by.workspace_id)
    membership = await repo.get_or_404(member_id)
    _check_may_grant(by, membership.role)
    if membership.role == Role.OWNER:
        await _keep_an_owner(repo, membership)
    # Sessions in this workspace end now, so that adding the user back later revives none.
    await CredentialRepository(session).delete_sessions_of(
        membership.user_id, workspace_id=by.workspace_id
    )
    await repo.delete(membership)


def _check_may_grant(by: Principal | None, role: Role) -> None:
    """Nobody gives or takes away a role above their own; only owners manage owners."""
    if by is not None and not by.role.at_least(role):
        raise Forbidden(f"a {by.role} cannot manage members with the {role} role")


async def _keep_an_owner(repo: MembershipRepository, leaving: Membership) -> None:
    """Refuse to lose the last owner who can still sign in (demoted, removed or disabled)."""
    owners = await repo.active_owners()
    if all(owner.id == leaving.id for owner in owners):
        raise Conflict("a workspace must keep at least one active owner")


async def is_active_member(session: AsyncSession, workspace_id: str, user_id: str) -> bool:
    """Whether the user belongs to the workspace and can sign in (e.g. to be assigned work)."""
    membership = await MembershipRepository(session, workspace_id).of_user(user_id)
    user = await UserRepository(session).by_id(user_id) if membership else None
    return user is not None and user.is_active
