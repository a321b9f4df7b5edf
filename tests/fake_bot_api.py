"""A fake Telegram Bot API server on 127.0.0.1 for tests: queues updates, records every call, injects faults.

Real HTTP on an ephemeral port, so python-telegram-bot runs unmodified with its `base_url` pointed here.
Tests enqueue updates (`message`, `sticker`, `press`, ...), wait for recorded calls with a bounded wait, and
make the next calls of a method fail (`fail`). Nothing here reaches the internet. At the end, the async helpers
that run a ptb Application against it inside a test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Update

BOT_USER = {
    "id": 7000001, "is_bot": True, "first_name": "NewsQA", "username": "newsqa_test_bot",
    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
}
# ptb sends strings as they are and JSON-encodes everything else; these stay strings even when they look numeric.
STRING_PARAMS = frozenset({"text", "caption", "parse_mode", "callback_query_id", "inline_message_id"})
TRUE_METHODS = frozenset({
    "deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands", "answerCallbackQuery", "sendChatAction",
    "close", "logOut", "setMyDescription", "setMyShortDescription",
})
WAIT_SECONDS = 10.0


def user(user_id: int, first_name: str = "读者") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}


def private_chat(of_user: dict) -> dict:
    return {"id": of_user["id"], "type": "private", "first_name": of_user["first_name"]}


def group_chat(chat_id: int, title: str = "读报群") -> dict:
    return {"id": chat_id, "type": "supergroup", "title": title}


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets and message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def text_entities(text: str) -> list[dict]:
    """The entities Telegram would attach: a leading /command and @mentions."""
    entities = []
    for match in re.finditer(r"(?<![\w@])(/[A-Za-z0-9_]+(?:@\w+)?)|(@\w{5,32})", text):
        kind = "bot_command" if match.group(1) else "mention"
        if kind == "bot_command" and match.start() != 0:
            continue
        entities.append({"type": kind, "offset": utf16_len(text[:match.start()]), "length": utf16_len(match.group(0))})
    return entities


@dataclass(frozen=True)
class Call:
    """One request the bot made: the Bot API method, its decoded parameters, the HTTP status and result returned."""

    method: str
    params: dict
    status: int = 200
    result: object = None  # what the fake answered, e.g. the Message a sendMessage created


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # like Telegram, take a burst of connections (20 replies at once); the default 5 drops some


class FakeBotApi:
    """The server and its state; use as a context manager, point ptb at `base_url`."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self.sent: dict[int, dict] = {}  # message_id -> the message the bot sent, as returned to it
        self._updates: list[dict] = []
        self._chats: dict[int, dict] = {}
        self._faults: dict[str, list[tuple[int, dict]]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self.files: dict[str, bytes] = {}  # file_id -> the bytes getFile's file_path downloads
        self.webhook: tuple[str, str | None] | None = None  # (url, secret) from setWebhook: updates are posted there
        self._changed = threading.Condition()
        self._closing = False
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True)

    # ------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def __enter__(self) -> "FakeBotApi":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=WAIT_SECONDS)

    # ------------------------------------------------------------ what the test sends the bot

    def message(self, text: str, *, sender: dict, chat: dict | None = None, reply_to: dict | None = None,
                edited: bool = False) -> int:
        """Queue a text message (entities filled in as Telegram would); returns its update_id."""
        body = {"text": text}
        entities = text_entities(text)
        if entities:
            body["entities"] = entities
        if reply_to is not None:
            body["reply_to_message"] = reply_to
        if edited:
            body["edit_date"] = int(time.time())
        return self._push("edited_message" if edited else "message", self._message(sender, chat, body))

    def sticker(self, *, sender: dict, chat: dict | None = None) -> int:
        sticker = {"file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADsticker", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self._push("message", self._message(sender, chat, {"sticker": sticker}))

    def photo(self, *, sender: dict, chat: dict | None = None) -> int:
        photo = [{"file_id": f"AgACAgIAAxk{size}", "file_unique_id": f"AQAD{size}", "width": size, "height": size}
                 for size in (90, 320)]
        return self._push("message", self._message(sender, chat, {"photo": photo}))

    def voice(self, *, sender: dict, chat: dict | None = None) -> int:
        voice = {"file_id": "AwACAgIAAxkBvoice", "file_unique_id": "AgADvoice", "duration": 3, "mime_type": "audio/ogg"}
        return self._push("message", self._message(sender, chat, {"voice": voice}))

    def document(self, name: str, data: bytes, *, sender: dict, chat: dict | None = None,
                 size: int | None = None) -> int:
        """Queue a message carrying a file; the bot fetches it with getFile and a download from the file URL.
        `size` overrides the size Telegram announces (to test the limit without sending megabytes)."""
        file_id = f"BQACAgIAAxkBdoc{len(self.files) + 1}"
        self.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": f"AgADdoc{len(self.files)}", "file_name": name,
                    "mime_type": "text/plain", "file_size": len(data) if size is None else size}
        return self._push("message", self._message(sender, chat, {"document": document}))

    def press(self, data: str, *, sender: dict, on_message: dict | None) -> int:
        """Queue a callback query: `sender` pressed the inline button carrying `data` under a message the bot sent
        (None: under an inline message, which Telegram does not send along)."""
        query = {"id": f"cbq-{next(self._query_ids)}", "from": sender, "chat_instance": "-4242", "data": data}
        if on_message is None:
            query["inline_message_id"] = "AgAAAInlineMsg"
        else:
            query["message"] = on_message
        return self._push("callback_query", query)

    def raw(self, payload: object) -> int:
        """Queue an update body as given, e.g. one python-telegram-bot cannot parse; returns its update_id."""
        with self._changed:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **payload} if isinstance(payload, dict) else payload)
            self._changed.notify_all()
        return update_id

    def _message(self, sender: dict, chat: dict | None, body: dict) -> dict:
        chat = chat or private_chat(sender)
        with self._changed:
            self._chats[chat["id"]] = chat
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": sender, **body}

    def _push(self, kind: str, payload: dict) -> int:
        with self._changed:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, kind: payload}
            if self.webhook is None:
                self._updates.append(update)
                self._changed.notify_all()
                return update_id
        self.post_update(update)
        return update_id

    def post_update(self, update: dict, secret: str | None = None) -> int:
        """POST an update to the webhook the bot set, as Telegram does (with its secret token unless given another);
        recorded as a 'webhook' call with the HTTP status the bot answered."""
        import urllib.error
        import urllib.request

        url, expected = self.webhook
        request = urllib.request.Request(url, data=json.dumps(update).encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "X-Telegram-Bot-Api-Secret-Token": secret or expected or ""})
        try:
            with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        with self._changed:
            self._record(Call("webhook", {"update_id": update.get("update_id")}, status))
        return status

    # ------------------------------------------------------------ faults

    def fail(self, method: str, *, status: int = 500, times: int = 1, retry_after: int | None = None) -> None:
        """The next `times` calls of `method` answer with an HTTP error (429 carries retry_after)."""
        body = {"ok": False, "error_code": status, "description": "Internal Server Error"}
        if status == 429:
            body["description"] = f"Too Many Requests: retry after {retry_after or 1}"
            body["parameters"] = {"retry_after": retry_after or 1}
        with self._changed:
            self._faults.setdefault(method, []).extend([(status, body)] * times)

    # ------------------------------------------------------------ what the bot did

    def calls_of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def messages_to(self, chat_id: int) -> list[Call]:
        """sendMessage calls to one chat that succeeded, in order."""
        return [c for c in self.calls_of("sendMessage") if c.params.get("chat_id") == chat_id and c.status == 200]

    def wait_for(self, condition, timeout: float = WAIT_SECONDS, what: str = "condition"):
        """Block until condition() returns something truthy, re-checking on every call; fail after timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = condition()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; "
                                         f"calls so far: {[c.method for c in self.calls][-20:]}")
                self._changed.wait(remaining)

    def wait_messages(self, chat_id: int, count: int, timeout: float = WAIT_SECONDS) -> list[Call]:
        """The first `count` messages sent to chat_id, once there are that many."""
        return self.wait_for(lambda: (m := self.messages_to(chat_id)) and len(m) >= count and m[:count],
                             timeout, f"{count} message(s) to chat {chat_id}")

    def wait_fetched(self, update_id: int, timeout: float = WAIT_SECONDS) -> None:
        """Until the bot has confirmed update_id, i.e. polled with a higher offset: it holds the update."""
        self.wait_for(lambda: any(c.params.get("offset", 0) > update_id for c in self.calls_of("getUpdates")),
                      timeout, f"getUpdates past update {update_id}")

    # ------------------------------------------------------------ the Bot API

    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        with self._changed:
            faults = self._faults.get(method)
            if faults:
                status, body = faults.pop(0)
                self._record(Call(method, params, status))
                return status, body
        if method == "getUpdates":
            return self._get_updates(params)
        with self._changed:
            refusal = self._refusal(method, params)
            if refusal:
                self._record(Call(method, params, 400))
                return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {refusal}"}
            result = self._result(method, params)
            if result is None:
                self._record(Call(method, params, 404))
                return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            self._record(Call(method, params, 200, result))
        return 200, {"ok": True, "result": result}

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.notify_all()

    def _refusal(self, method: str, params: dict) -> str | None:
        """What Telegram refuses outright (HTTP 400), as it words it."""
        if method in ("sendMessage", "editMessageText"):
            text = _plain(params.get("text", ""))
            if not text.strip():
                return "message text is empty"
            if utf16_len(text) > 4096:
                return "message is too long"
        return None

    def _result(self, method: str, params: dict):
        if method == "getMe":
            return BOT_USER
        if method == "setWebhook":
            self.webhook = (params["url"], params.get("secret_token"))
        elif method == "deleteWebhook":
            self.webhook = None
        if method in TRUE_METHODS:
            return True
        if method in ("sendMessage", "editMessageText"):
            return self._bot_message(params)
        if method == "getFile" and params.get("file_id") in self.files:
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(self.files[file_id]),
                    "file_path": f"documents/{file_id}.bin"}
        return None

    def download(self, file_path: str) -> bytes | None:
        """The bytes behind a file_path getFile gave out, as GET {file URL}{token}/{file_path} returns them."""
        with self._changed:
            self._record(Call("download", {"file_path": file_path}))
        match = re.fullmatch(r"documents/(.+)\.bin", file_path)
        return self.files.get(match.group(1)) if match else None

    @property
    def file_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/file/bot"

    def _bot_message(self, params: dict) -> dict:
        chat_id = params["chat_id"]
        message_id = params.get("message_id") or next(self._message_ids)
        plain = _plain(params.get("text", ""))
        message = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                   "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "读者"}),
                   "text": plain}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.sent[message_id] = message
        return message

    def _get_updates(self, params: dict) -> tuple[int, dict]:
        """Long poll: confirm updates below offset, then wait up to `timeout` seconds for one at or above it."""
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._changed:
            self._record(Call("getUpdates", params))
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            batch = list(self._updates[: int(params.get("limit") or 100)])
        return 200, {"ok": True, "result": batch}


def _plain(text: str) -> str:
    """The text as Telegram shows it: HTML tags parsed away, entities decoded."""
    plain = re.sub(r"<[^>]+>", "", text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _decode(params: dict[str, str]) -> dict:
    decoded = {}
    for key, raw in params.items():
        value = raw
        if key not in STRING_PARAMS:
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
        decoded[key] = value
    return decoded


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
            self._serve(b"")

        def do_POST(self) -> None:  # noqa: N802
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, body: bytes) -> None:
            url = urlsplit(self.path)
            files = f"/file/bot{api.token}/"
            if unquote(url.path).startswith(files):  # ptb percent-encodes the token's colon in file URLs
                self._send_file(api.download(unquote(url.path)[len(files):]))
                return
            prefix = f"/bot{api.token}/"
            if not url.path.startswith(prefix):
                self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            params = dict(parse_qsl(url.query))
            content_type = self.headers.get("Content-Type", "")
            if body and content_type.startswith("application/json"):
                params.update({k: json.dumps(v) if not isinstance(v, str) else v for k, v in json.loads(body).items()})
            elif body:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            status, payload = api.handle(url.path[len(prefix):], _decode(params))
            self._reply(status, payload)

        def _send_file(self, data: bytes | None) -> None:
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

        def _reply(self, status: int, payload: dict) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot gave up on a long poll while shutting down

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
            pass

    return Handler


# ---------------------------------------------------------------- running a ptb Application against the fake


@contextlib.asynccontextmanager
async def polling(application):
    """Run a built Application as run_polling() does (post_init; polling errors go to the error handler), then stop."""
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES,
            error_callback=lambda exc: application.create_task(application.process_error(None, exc)))
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def replies(fake: FakeBotApi, chat_id: int, count: int, timeout: float = WAIT_SECONDS) -> list[Call]:
    """The first `count` messages the bot sent to chat_id, waiting (bounded) until there are that many."""
    return await asyncio.to_thread(fake.wait_messages, chat_id, count, timeout)


async def settle(fake: FakeBotApi, application, update_id: int, timeout: float = WAIT_SECONDS) -> None:
    """Until every update up to update_id was fetched and fully handled: after this, silence is a fact."""
    await asyncio.to_thread(fake.wait_fetched, update_id, timeout)
    await asyncio.wait_for(application.update_queue.join(), timeout)
