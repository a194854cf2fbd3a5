"""Files in messages: uploads, file_id reuse, Telegram media objects and short descriptions."""

from __future__ import annotations

from bot.simulator.checks import ApiError, bad_request, int_param
from bot.simulator.plumbing import Plumbing
from bot.simulator.state import Json, StoredFile, Upload, Uploads

MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "animation", "sticker", "location")
CONTENT_KEYS = frozenset({"text", "entities", "caption", "caption_entities", *MEDIA_KINDS})
UPLOAD_LIMIT = 50 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
DEFAULT_MIME = {"voice": "audio/ogg", "audio": "audio/mpeg", "video": "video/mp4"}


def resolve_file(tg: Plumbing, ref: object, uploads: Uploads, kind: str) -> StoredFile:
    """A file given as an upload, an attach:// reference or an existing file_id."""
    if isinstance(ref, str) and ref.startswith("attach://"):
        ref = uploads.get(ref.removeprefix("attach://"))
        if ref is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
    if isinstance(ref, Upload):
        limit = PHOTO_LIMIT if kind == "photo" else UPLOAD_LIMIT
        if len(ref.data) > limit:
            if kind == "photo":
                raise bad_request("file is too big")
            raise ApiError(413, "Request Entity Too Large")
        if not ref.data:
            raise bad_request("file must be non-empty")
        mime = ref.mime_type or DEFAULT_MIME.get(kind)
        return tg.files[tg.store_file(ref.data, ref.filename, mime, kind)]
    if isinstance(ref, str) and ref in tg.files:
        return tg.files[ref]
    if isinstance(ref, str) and ref.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    if ref in (None, ""):
        raise bad_request(f"there is no {kind} in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


def media_content(kind: str, stored: StoredFile, p: Json) -> Json:
    """The Telegram object for a file sent as `kind` (without caption)."""
    base: Json = {
        "file_id": stored.file_id,
        "file_unique_id": stored.unique_id,
        "file_size": stored.size,
    }
    if kind == "photo":
        return {"photo": [{**base, "width": 1280, "height": 720}]}
    duration = int_param(p, "duration", 1) if p.get("duration") not in (None, "") else 1
    mime = stored.mime_type or DEFAULT_MIME.get(kind, "application/octet-stream")
    if kind == "voice":
        return {"voice": {**base, "duration": duration, "mime_type": mime}}
    if kind in ("video", "animation"):
        size = {"width": 640, "height": 360, "duration": duration, "mime_type": mime}
        return {kind: {**base, **size, "file_name": stored.name or f"{kind}.mp4"}}
    if kind == "audio":
        return {
            "audio": {**base, "duration": duration, "mime_type": mime, "file_name": stored.name}
        }
    return {kind: {**base, "file_name": stored.name or "file", "mime_type": mime}}


def content_kind(raw: Json) -> str:
    """What a message holds: text or one of the media kinds."""
    if "text" in raw:
        return "text"
    return next((kind for kind in MEDIA_KINDS if kind in raw), "unknown")


def human_size(size: int) -> str:
    """12 B, 3 KB, 1.5 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def describe(kind: str, stored: StoredFile | None, content: Json) -> str:
    """A short technical rendering of the media: "photo, 12 KB", "document x.pdf, 3 KB"."""
    if kind == "text":
        return ""
    if kind == "location" and isinstance(content.get("location"), dict):
        loc = content["location"]
        return f"location {loc['latitude']:.5f}, {loc['longitude']:.5f}"
    if stored is None:
        return kind
    name = f" {stored.name}" if stored.name and kind in ("document", "audio") else ""
    return f"{kind}{name}, {human_size(stored.size)}"
