"""HTTP for knowledge search: ``GET /api/v1/kb/search``.

Any member of the workspace (a viewer too) searches public and internal articles;
``visibility=public`` narrows to what the help center may show. ``mode`` picks lexical, vector
or hybrid (the default) ranking, handy for comparing them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import ViewerAuth
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.knowledge.retrieval.hybrid import Mode
from deskpilot.knowledge.retrieval.service import SearchResults, search_knowledge
from deskpilot.knowledge.schemas import search_language
from deskpilot.models import Visibility

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])


@router.get("/search")
async def search_kb(
    principal: ViewerAuth,
    session: SessionDep,
    resources: ResourcesDep,
    q: Annotated[str, Query(min_length=1, max_length=4000)],
    language: Annotated[str | None, Query(max_length=16)] = None,
    category: Annotated[str | None, Query(max_length=80)] = None,
    visibility: Visibility | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: Mode = Mode.HYBRID,
) -> SearchResults:
    """The best passages for ``q``, one per article, only from published articles.
    ``language`` is read as article languages are written (``EN`` is ``en``; not a language
    tag: 422); blank is any."""
    return await search_knowledge(
        session,
        principal.workspace_id,
        q,
        language=search_language(language, "query.language"),
        category=category,
        visibility=visibility,
        limit=limit,
        mode=mode,
        resources=resources,
    )
