"""``/demo/widget``: a page of a pretend shop with the demo workspace's chat widget on it."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from deskpilot.channels.webchat.service import webchat_channel_of
from deskpilot.demo.service import DEMO_SLUG
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import NotFound
from deskpilot.workspaces.service import find_workspace_by_slug

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Shop: chat widget</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;
  color: #1f2937; line-height: 1.5; }}
code {{ background: #f3f4f6; padding: .1rem .3rem; border-radius: .25rem; }}
</style>
</head>
<body>
<h1>Demo Shop</h1>
<p>This page embeds the DeskPilot chat widget of the demo workspace's web chat channel
(<code>{name}</code>) with one tag:</p>
<pre><code>&lt;script src="/widget.js" data-key="{key}"&gt;&lt;/script&gt;</code></pre>
<p>Open the chat at the bottom of the page; agents see the conversation in the console.
Other languages: <a href="?lang=en">English</a>, <a href="?lang=zh">中文</a>,
<a href="?lang=ru">Русский</a>.</p>
<script src="/widget.js" data-key="{key}"{lang_attr}></script>
</body>
</html>
"""


@router.get("/demo/widget", response_class=HTMLResponse)
async def demo_widget(session: SessionDep, lang: str | None = None) -> HTMLResponse:
    workspace = await find_workspace_by_slug(session, DEMO_SLUG)
    channel = await webchat_channel_of(session, workspace.id) if workspace else None
    if channel is None:
        raise NotFound("no demo web chat channel: run `deskpilot demo` first")
    language = lang if lang in ("en", "zh", "ru") else None
    return HTMLResponse(
        PAGE.format(
            lang=language or "en",
            name=escape(channel.name),
            key=escape(channel.public_key),
            lang_attr=f' data-lang="{language}"' if language else "",
        )
    )
