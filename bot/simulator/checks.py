"""Telegram's cheap validations: text and caption limits, markup parsing, inline keyboards."""

from __future__ import annotations

import html.parser
import json
import re

from bot.simulator.state import Button, Buttons, Json

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
HTML_TAGS = frozenset(
    "b strong i em u ins s strike del a code pre tg-spoiler span blockquote tg-emoji".split()
)
MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
URL_RE = re.compile(r"^(https?|tg)://\S+$")


class ApiError(Exception):
    """A Telegram error answer raised inside an API method."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


# parameters -------------------------------------------------------------------------------
def int_param(params: Json, name: str, default: int | None = None) -> int:
    """An integer parameter, or a Telegram-like error."""
    value = params.get(name)
    if value in (None, ""):
        if default is None:
            raise bad_request(f"{name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def chat_id_param(params: Json) -> int:
    """The chat_id; usernames (@name) are unknown chats here."""
    value = params.get("chat_id")
    if isinstance(value, str) and value.startswith("@"):
        raise bad_request("chat not found")
    return int_param(params, "chat_id")


def flag(params: Json, name: str) -> bool:
    """A boolean parameter (form requests send "true"/"false")."""
    value = params.get(name)
    return value is True or str(value).lower() in ("true", "1")


def json_param(params: Json, name: str) -> object:
    """A JSON-typed parameter that may still be a string."""
    value = params.get(name)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


# text -------------------------------------------------------------------------------------
class _HtmlText(html.parser.HTMLParser):
    """Checks Telegram's HTML subset and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            expected = f'"</{self.stack[-1]}>"' if self.stack else "no end tag"
            raise bad_request(
                f'can\'t parse entities: Unmatched end tag, expected {expected}, found "</{tag}>"'
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_plain(text: str) -> str:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{parser.stack[-1]}\""
        )
    return "".join(parser.text)


def _markdown_v2_plain(text: str) -> str:
    """Reserved characters must be escaped outside code and link targets."""
    out: list[str] = []
    i, in_code, in_url = 0, "", False
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            in_code = "" if in_code == fence else in_code or fence
            i += len(fence)
            continue
        if in_code:
            out.append(c)
        elif in_url:
            in_url = c != ")"
        elif c == "]" and text.startswith("(", i + 1):
            in_url, i = True, i + 1
        elif c in "_*~|[]" or (c == ">" and (i == 0 or text[i - 1] == "\n")):
            pass
        elif c == "!" and text.startswith("[", i + 1):
            pass
        elif c in MD2_RESERVED:
            raise bad_request(
                f"can't parse entities: Character '{c}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        else:
            out.append(c)
        i += 1
    return "".join(out)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The visible text after Telegram parsed the markup (raises on broken markup)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_plain(text)
    if mode == "markdownv2":
        return _markdown_v2_plain(text)
    if mode == "markdown":
        return re.sub(r"[*_`\[]", "", re.sub(r"\]\([^)]*\)", "", text))
    return text


def check_text(text: str, *, caption: bool, parse_mode: str | None) -> str:
    """Telegram's length and markup checks; returns the visible text."""
    plain = plain_text(text, parse_mode)
    if not caption and not plain.strip():
        raise bad_request("message text is empty")
    if utf16_len(plain) > (CAPTION_LIMIT if caption else TEXT_LIMIT):
        raise bad_request("message caption is too long" if caption else "message is too long")
    return plain


# keyboards and commands --------------------------------------------------------------------
def check_markup(markup: object) -> None:
    """Inline buttons need a label and one action; callback data is 1-64 bytes."""
    if markup is None or markup == "":
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not str(button.get("text", "")):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            url = button.get("url")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if url is not None and not URL_RE.match(str(url)):
                raise bad_request("BUTTON_URL_INVALID")
            if len(button) < 2:
                raise bad_request("text buttons are unallowed in the inline keyboard")


def parse_buttons(markup: object) -> Buttons:
    """Inline keyboard rows as (label, callback data or url)."""
    if not isinstance(markup, dict):
        return []
    return [
        [
            Button(str(b.get("text", "")), str(b.get("callback_data") or b.get("url") or ""))
            for b in row
        ]
        for row in markup.get("inline_keyboard") or []
    ]


def parse_keyboard(markup: object) -> list[list[str]] | None:
    """Reply keyboard rows; [] when removed; None when the markup says nothing about it."""
    if not isinstance(markup, dict):
        return None
    if markup.get("remove_keyboard"):
        return []
    rows = markup.get("keyboard")
    if rows is None:
        return None
    return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]


def check_commands(commands: object) -> list[Json]:
    """setMyCommands' list: at most 100, lowercase names, descriptions of 1-256 characters."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_RE.match(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def canonical_scope(scope: object) -> str:
    """A stable key for a BotCommandScope (default when absent)."""
    if scope in (None, ""):
        scope = {"type": "default"}
    if isinstance(scope, str):
        scope = json.loads(scope)
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope:
        scope = {**scope, "chat_id": int(scope["chat_id"])}
    if "user_id" in scope:
        scope = {**scope, "user_id": int(scope["user_id"])}
    return json.dumps(scope, sort_keys=True)
