/*
 * DeskPilot chat widget. Embed with one tag:
 *   <script src="https://desk.example.com/widget.js" data-key="CHANNEL_PUBLIC_KEY"></script>
 * Optional attributes: data-lang (en, zh, ru), and for verified visitors data-user-id,
 * data-email, data-name, data-user-hash (or window.DeskPilotSettings = {user_id, email, name,
 * user_hash}). Plain JavaScript, no build step, no dependencies. See docs/channels/webchat.md.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__deskpilotWidget) return;
  window.__deskpilotWidget = true;

  var KEY = script.getAttribute("data-key") || "";
  var BASE = new URL(script.src, location.href).origin;
  var WS_BASE = BASE.replace(/^http/, "ws");
  var STORE = "deskpilot:" + KEY + ":";
  var POLL_MS = 4000;
  var MAX_BACKOFF_MS = 30000;
  var EMOJI = ["😀", "😂", "😊", "😍", "🤔", "😢", "😡", "👍", "👎", "🙏", "🎉", "❤️"];
  var FALLBACK = {
    title: "Chat with us", open: "Open chat", close: "Close chat",
    placeholder: "Type a message…", send: "Send", attach: "Attach a file", emoji: "Emoji",
    human: "Talk to a person", human_requested: "A person will join the conversation shortly.",
    thinking: "Thinking…", typing: "Typing…", offline: "Reconnecting…",
    rate_prompt: "How did we do?", rate_thanks: "Thank you for your feedback!",
    too_large: "This file is too large.", bad_type: "This type of file cannot be sent.",
    send_failed: "Not sent. Tap to retry.", write_first: "Write your question first."
  };
  var settings = window.DeskPilotSettings || {};

  var state = {
    token: storeGet("visitor"),
    cursor: null,
    conversation: null,
    config: null,
    labels: FALLBACK,
    seen: {},
    socket: null,
    socketOpen: false,
    backoff: 1000,
    reconnectTimer: null,
    pollTimer: null,
    lastTyping: 0,
    closedForGood: false
  };
  var ui = {};

  function storeGet(name) {
    try { return window.localStorage.getItem(STORE + name); } catch (e) { return null; }
  }
  function storeSet(name, value) {
    try { window.localStorage.setItem(STORE + name, value); } catch (e) { /* private mode */ }
  }
  function t(name) { return state.labels[name] || FALLBACK[name] || name; }
  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function query(extra) {
    var params = new URLSearchParams({ key: KEY });
    if (state.token) params.set("visitor", state.token);
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    return "?" + params.toString();
  }

  function api(method, path, body, extra) {
    var init = { method: method, headers: {} };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(BASE + "/widget/api" + path + query(extra), init).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || response.statusText);
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  /* ---------- rendering ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function css(config) {
    var side = config.position === "left" ? "left" : "right";
    var colour = config.primary_colour || "#2563eb";
    return [
      ":host{all:initial}",
      "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',sans-serif}",
      ".launcher{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;",
      "border-radius:50%;border:0;background:" + colour + ";color:#fff;font-size:26px;",
      "cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}",
      ".panel{position:fixed;bottom:88px;" + side + ":20px;width:360px;max-width:calc(100vw - 40px);",
      "height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;",
      "box-shadow:0 8px 30px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;",
      "font-size:" + (config.font_size || 14) + "px;color:#111827;z-index:2147483000}",
      ".panel.open{display:flex}",
      ".head{background:" + colour + ";color:#fff;padding:12px 14px;font-weight:600;",
      "display:flex;justify-content:space-between;align-items:center}",
      ".head button{background:transparent;border:0;color:#fff;font-size:18px;cursor:pointer}",
      ".status{font-size:.8em;font-weight:400;opacity:.9}",
      ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px}",
      ".msg{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;",
      "word-wrap:break-word;line-height:1.4}",
      ".msg.visitor{align-self:flex-end;background:" + colour + ";color:#fff}",
      ".msg.agent,.msg.bot{align-self:flex-start;background:#f3f4f6}",
      ".msg.system{align-self:center;background:transparent;color:#6b7280;font-size:.85em}",
      ".msg.pending{opacity:.6}.msg.failed{outline:2px solid #dc2626;cursor:pointer}",
      ".msg a{color:inherit}.msg img{max-width:100%;border-radius:6px;display:block}",
      ".indicator{padding:0 14px 4px;color:#6b7280;font-size:.85em;min-height:1.2em}",
      ".notice{padding:4px 14px;color:#b91c1c;font-size:.85em}",
      ".rating{padding:8px 14px;border-top:1px solid #e5e7eb;text-align:center}",
      ".rating button{background:none;border:0;font-size:22px;cursor:pointer}",
      ".tools{display:flex;gap:4px;padding:4px 8px;border-top:1px solid #e5e7eb}",
      ".tools button{background:none;border:0;cursor:pointer;font-size:16px;padding:4px}",
      ".tools .human{margin-left:auto;font-size:.85em;color:" + colour + "}",
      ".emoji{display:none;flex-wrap:wrap;gap:2px;padding:4px 8px}",
      ".emoji.open{display:flex}.emoji button{font-size:20px;background:none;border:0;cursor:pointer}",
      "form{display:flex;gap:6px;padding:8px;border-top:1px solid #e5e7eb}",
      "textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:8px;padding:8px;",
      "font-size:inherit;height:40px}",
      "form button{background:" + colour + ";color:#fff;border:0;border-radius:8px;",
      "padding:0 14px;cursor:pointer}"
    ].join("");
  }

  function build(config) {
    var host = el("div", { "data-deskpilot": "widget" });
    document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.appendChild(el("style", { text: css(config) }));

    ui.launcher = el("button", {
      class: "launcher", type: "button", "aria-label": t("open"), text: "💬", onclick: toggle
    });
    ui.status = el("span", { class: "status" });
    ui.log = el("div", { class: "log", role: "log", "aria-live": "polite" });
    ui.indicator = el("div", { class: "indicator" });
    ui.notice = el("div", { class: "notice", role: "alert" });
    ui.rating = el("div", { class: "rating", hidden: "" });
    ui.input = el("textarea", { placeholder: t("placeholder"), "aria-label": t("placeholder") });
    ui.input.addEventListener("input", typing);
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(); }
    });
    ui.file = el("input", { type: "file", hidden: "", onchange: upload });
    ui.emoji = el("div", { class: "emoji" }, EMOJI.map(function (symbol) {
      return el("button", { type: "button", text: symbol, onclick: function () {
        ui.input.value += symbol;
        ui.input.focus();
      } });
    }));
    ui.human = el("button", { type: "button", class: "human", text: t("human"), onclick: human });
    var tools = el("div", { class: "tools" }, [
      el("button", { type: "button", title: t("emoji"), "aria-label": t("emoji"), text: "😊",
        onclick: function () { ui.emoji.classList.toggle("open"); } }),
      el("button", { type: "button", title: t("attach"), "aria-label": t("attach"), text: "📎",
        onclick: function () { ui.file.click(); } }),
      ui.file,
      ui.human
    ]);
    var form = el("form", { onsubmit: function (event) { event.preventDefault(); submit(); } }, [
      ui.input, el("button", { type: "submit", text: t("send") })
    ]);
    ui.panel = el("div", { class: "panel", role: "dialog", "aria-label": t("title") }, [
      el("div", { class: "head" }, [
        el("span", {}, [document.createTextNode(t("title") + " "), ui.status]),
        el("button", { type: "button", "aria-label": t("close"), text: "×", onclick: toggle })
      ]),
      ui.log, ui.indicator, ui.notice, ui.rating, tools, ui.emoji, form
    ]);
    root.appendChild(ui.panel);
    root.appendChild(ui.launcher);
    if (config.greeting) {
      ui.log.appendChild(el("div", { class: "msg bot", text: config.greeting }));
    }
  }

  function toggle() {
    var open = ui.panel.classList.toggle("open");
    ui.launcher.setAttribute("aria-label", open ? t("close") : t("open"));
    storeSet("open", open ? "1" : "0");
    if (open) { ui.input.focus(); scrollDown(); }
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }
  function notice(text) {
    ui.notice.textContent = text || "";
    if (text) setTimeout(function () { if (ui.notice.textContent === text) notice(""); }, 6000);
  }

  function attachmentNode(attachment) {
    var href = BASE + "/widget/api/attachments/" + encodeURIComponent(attachment.id) + query();
    if (/^image\//.test(attachment.content_type)) {
      return el("a", { href: href, target: "_blank", rel: "noopener" }, [
        el("img", { src: href, alt: attachment.filename })
      ]);
    }
    return el("a", { href: href, target: "_blank", rel: "noopener", text: "📄 " + attachment.filename });
  }

  function render(message) {
    var text = message.text;
    if (message.from === "system" && message.kind === "handoff") text = t("human_requested");
    if (message.from === "system" && message.kind === "rating") text = t("rate_thanks");
    var node = el("div", { class: "msg " + message.from, "data-id": message.id || "" });
    if (text) node.appendChild(document.createTextNode(text));
    (message.attachments || []).forEach(function (a) { node.appendChild(attachmentNode(a)); });
    return node;
  }

  function addMessage(message) {
    if (message.id && state.seen[message.id]) return;
    if (message.id) state.seen[message.id] = true;
    var pending = message.client_id &&
      ui.log.querySelector('[data-client-id="' + message.client_id + '"]');
    var node = render(message);
    if (pending) ui.log.replaceChild(node, pending); else ui.log.appendChild(node);
    if (message.from === "agent" || message.from === "bot") indicator("");
    scrollDown();
  }

  function indicator(text) { ui.indicator.textContent = text || ""; }

  function setConversation(conversation) {
    if (!conversation) return;
    state.conversation = conversation;
    if (conversation.status === "resolved") askRating(); else ui.rating.hidden = true;
  }

  function askRating() {
    var conv = state.conversation;
    var ratedKey = "rated:" + conv.id + ":" + conv.resolved_at;
    if (storeGet(ratedKey)) return;
    ui.rating.innerHTML = "";
    ui.rating.appendChild(el("div", { text: t("rate_prompt") }));
    [1, 2, 3, 4, 5].forEach(function (score) {
      ui.rating.appendChild(el("button", { type: "button", "aria-label": score + "/5", text: "★",
        onclick: function () {
          api("POST", "/rating", { score: score }).then(function (data) {
            addMessage(data.message);
          }, function (error) {
            if (error.status !== 409) throw error;
          }).then(function () {
            storeSet(ratedKey, String(score));
            ui.rating.hidden = true;
          }, function () { notice(t("send_failed")); });
        } }));
    });
    ui.rating.hidden = false;
  }

  /* ---------- realtime: WebSocket with backoff, HTTP polling meanwhile ---------- */

  function connect() {
    if (state.closedForGood || !window.WebSocket) { startPolling(); return; }
    var socket = new WebSocket(WS_BASE + "/widget/ws" + query());
    state.socket = socket;
    socket.onopen = function () {
      state.socketOpen = true;
      state.backoff = 1000;
      ui.status.textContent = "";
      stopPolling();
      poll(); // catch up on anything sent while the socket was down
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handle(data);
    };
    socket.onclose = function (event) {
      state.socketOpen = false;
      state.socket = null;
      if (event.code === 1008) { state.closedForGood = true; startPolling(); return; }
      ui.status.textContent = t("offline");
      startPolling();
      var delay = state.backoff + Math.floor(Math.random() * 500);
      state.backoff = Math.min(state.backoff * 2, MAX_BACKOFF_MS);
      clearTimeout(state.reconnectTimer);
      state.reconnectTimer = setTimeout(connect, delay);
    };
  }

  function handle(event) {
    var data = event.data || {};
    if (event.name === "message.created") addMessage(data);
    else if (event.name === "conversation.updated") setConversation(data);
    else if (event.name === "ai.thinking") indicator(data.active ? t("thinking") : "");
    else if (event.name === "conversation.agent_typing") indicator(data.active ? t("typing") : "");
    else if (event.name === "widget.connected" && data.conversation_id && !state.conversation) {
      poll();
    }
  }

  function startPolling() {
    if (state.pollTimer) return;
    state.pollTimer = setInterval(poll, POLL_MS);
  }
  function stopPolling() { clearInterval(state.pollTimer); state.pollTimer = null; }

  function poll() {
    if (!state.token) return;
    var extra = state.cursor ? { since: state.cursor } : {};
    api("GET", "/messages", undefined, extra).then(function (data) {
      data.messages.forEach(addMessage);
      if (data.cursor) state.cursor = data.cursor;
      setConversation(data.conversation);
    }, function () { /* offline: the next tick tries again */ });
  }

  /* ---------- the visitor's actions ---------- */

  function submit() {
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    ui.emoji.classList.remove("open");
    sendText(text, newId());
  }

  function sendText(text, clientId) {
    var node = el("div", { class: "msg visitor pending", "data-client-id": clientId, text: text });
    ui.log.appendChild(node);
    scrollDown();
    api("POST", "/messages", { client_id: clientId, text: text, language: state.config.language })
      .then(function (data) {
        setConversation(data.conversation);
        addMessage(data.message);
      }, function () {
        node.className = "msg visitor failed";
        node.title = t("send_failed");
        node.onclick = function () { node.remove(); sendText(text, clientId); };
      });
  }

  function typing() {
    var now = Date.now();
    if (now - state.lastTyping < 3000 || !state.conversation) return;
    state.lastTyping = now;
    if (state.socketOpen) state.socket.send(JSON.stringify({ type: "typing", typing: true }));
    else api("POST", "/typing", { typing: true }).catch(function () {});
  }

  function allowedType(type) {
    return (state.config.allowed_attachment_types || []).some(function (pattern) {
      if (pattern.slice(-2) === "/*") return type.indexOf(pattern.slice(0, -1)) === 0;
      return pattern === type;
    });
  }

  function upload() {
    var file = ui.file.files[0];
    ui.file.value = "";
    if (!file) return;
    if (file.size > state.config.max_attachment_bytes) { notice(t("too_large")); return; }
    if (!allowedType(file.type || "application/octet-stream")) { notice(t("bad_type")); return; }
    var form = new FormData();
    form.append("client_id", newId());
    form.append("file", file, file.name);
    api("POST", "/attachments", form).then(function (data) { addMessage(data.message); },
      function (error) {
        notice(error.status === 413 ? t("too_large") :
          error.status === 415 ? t("bad_type") : t("send_failed"));
      });
  }

  function human() {
    api("POST", "/handoff", {}).then(function (data) { addMessage(data.message); },
      function (error) { notice(error.status === 409 ? t("write_first") : t("send_failed")); });
  }

  /* ---------- start ---------- */

  function claims() {
    function pick(attr, name) { return script.getAttribute(attr) || settings[name] || null; }
    return {
      visitor: state.token,
      user_id: pick("data-user-id", "user_id"),
      email: pick("data-email", "email"),
      name: pick("data-name", "name"),
      user_hash: pick("data-user-hash", "user_hash"),
      language: state.config.language
    };
  }

  function start() {
    var lang = script.getAttribute("data-lang") || navigator.language || "en";
    api("GET", "/config", undefined, { lang: lang }).then(function (config) {
      state.config = config;
      state.labels = config.labels || FALLBACK;
      build(config);
      return api("POST", "/session", claims());
    }).then(function (session) {
      state.token = session.visitor;
      storeSet("visitor", session.visitor);
      session.messages.forEach(addMessage);
      state.cursor = session.cursor;
      setConversation(session.conversation);
      // reopen as the visitor left it, unless they opened it while the session was loading
      if (storeGet("open") === "1" && !ui.panel.classList.contains("open")) toggle();
      connect();
    }).catch(function (error) {
      if (window.console) window.console.warn("DeskPilot widget could not start:", error);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
