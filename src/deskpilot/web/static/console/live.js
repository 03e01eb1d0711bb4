// Live events of the workspace (/api/v1/ws), reconnecting with backoff.
// on("message.created", (data, event) => ...) subscribes; "*" gets every event.

const handlers = new Map();
let socket = null;
let retry = 0;

export function on(name, handler) {
  if (!handlers.has(name)) handlers.set(name, new Set());
  handlers.get(name).add(handler);
  connect();
  return () => handlers.get(name).delete(handler);
}

function dispatch(event) {
  for (const key of [event.name, "*"]) {
    for (const handler of handlers.get(key) || []) {
      try {
        handler(event.data, event);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

function status(online) {
  const badge = document.getElementById("live-status");
  if (badge) badge.hidden = online;
  document.documentElement.dataset.live = online ? "on" : "off";
}

function connect() {
  if (socket) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
  socket.addEventListener("open", () => {
    retry = 0;
    status(true);
  });
  socket.addEventListener("message", (message) => {
    try {
      dispatch(JSON.parse(message.data));
    } catch (error) {
      console.error(error);
    }
  });
  socket.addEventListener("close", () => {
    socket = null;
    status(false);
    const delay = Math.min(30000, 500 * 2 ** retry++) * (0.5 + Math.random() / 2);
    setTimeout(connect, delay);
  });
}
