"""Two editors on one article: an edit or a publish that started from a version someone else
has replaced since is refused (409) and changes nothing, instead of silently overwriting the
other's text or publishing a version nobody reviewed; rolling back to the current version
publishes nothing (a review saw it publish the pending draft)."""

from __future__ import annotations

import httpx

from tests.factories import Tenant
from tests.knowledge.helpers import create_article, publish


async def test_an_edit_from_an_old_version_is_refused_and_loses_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"

    first = await client.patch(
        url, json={"body": "Agent's text.", "base_version": 1}, headers=tenant.headers
    )
    stale = await client.patch(
        url, json={"body": "Admin's text.", "base_version": 1}, headers=tenant.headers
    )
    unchecked = await client.patch(url, json={"tags": ["shipping"]}, headers=tenant.headers)
    now = (await client.get(url, headers=tenant.headers)).json()

    assert first.status_code == 200, first.text
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert "version 2 of this article was saved after version 1" in stale.json()["error"]["message"]
    assert unchecked.status_code == 200  # without base_version, as before
    assert (now["current_version"], now["body"], now["tags"]) == (2, "Agent's text.", ["shipping"])


async def test_publishing_a_version_that_is_no_longer_current_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"body": "Unreviewed text."}, headers=tenant.headers)

    stale = await client.post(f"{url}/publish", json={"version": 1}, headers=tenant.headers)
    after_stale = (await client.get(url, headers=tenant.headers)).json()
    reviewed = await client.post(f"{url}/publish", json={"version": 2}, headers=tenant.headers)
    bad = await client.post(f"{url}/publish", json={"version": "2"}, headers=tenant.headers)

    assert stale.status_code == 409
    assert after_stale["published_version"] is None
    assert after_stale["status"] == "draft"
    assert reviewed.status_code == 200
    assert reviewed.json()["published_version"] == 2
    assert bad.status_code == 422


async def test_rolling_back_to_the_current_version_publishes_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await publish(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"
    await client.patch(url, json={"body": "Draft edit."}, headers=tenant.headers)

    refused = await client.post(f"{url}/rollback", json={"version": 2}, headers=tenant.headers)
    now = (await client.get(url, headers=tenant.headers)).json()

    assert refused.status_code == 409
    assert "version 2 is the current version already" in refused.json()["error"]["message"]
    assert (now["current_version"], now["published_version"]) == (2, 1)


async def test_an_edit_of_metadata_from_a_stale_copy_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A review found two tag edits from one copy both saved, the second silently replacing
    the first: metadata edits make no new version, so ``base_version`` alone cannot see them;
    ``base_updated_at`` (the ``updated_at`` the editor read) does."""
    article = await create_article(client, tenant, tags=["old"])
    url = f"/api/v1/kb/articles/{article['id']}"
    base = {"base_version": 1, "base_updated_at": article["updated_at"]}

    first = await client.patch(url, json={"tags": ["agent"]} | base, headers=tenant.headers)
    stale = await client.patch(url, json={"tags": ["admin"]} | base, headers=tenant.headers)
    stale_text = await client.patch(url, json={"body": "New."} | base, headers=tenant.headers)
    fresh = await client.patch(
        url,
        json={"owner_team": "Support", "base_updated_at": first.json()["updated_at"]},
        headers=tenant.headers,
    )
    numeric = await client.patch(url, json={"base_updated_at": 0}, headers=tenant.headers)
    now = (await client.get(url, headers=tenant.headers)).json()

    assert first.status_code == 200, first.text
    assert [stale.status_code, stale_text.status_code] == [409, 409]
    assert stale.json()["error"]["code"] == "conflict"
    message = stale.json()["error"]["message"]
    assert "after the copy your edit started from" in message
    assert "reload it and edit again" in message
    assert fresh.status_code == 200, fresh.text
    assert numeric.status_code == 422
    assert (now["tags"], now["body"], now["owner_team"]) == (
        ["agent"],
        "We ship in 2 days.",
        "Support",
    )
    assert now["current_version"] == 1


async def test_an_edit_from_a_version_that_does_not_exist_is_a_422(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    article = await create_article(client, tenant)
    url = f"/api/v1/kb/articles/{article['id']}"

    ahead = await client.patch(
        url, json={"body": "From the future.", "base_version": 99}, headers=tenant.headers
    )
    now = (await client.get(url, headers=tenant.headers)).json()

    assert ahead.status_code == 422, ahead.text
    fields = {f["field"]: f["reason"] for f in ahead.json()["error"]["fields"]}
    assert fields == {"body.base_version": "there is no version 99 (the current version is 1)"}
    assert (now["current_version"], now["body"]) == (1, article["body"])
