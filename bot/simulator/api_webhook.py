"""Bot API methods for webhooks: setWebhook, deleteWebhook and getWebhookInfo.

The pushing itself is `webhook.WebhookPusher`.
"""

from __future__ import annotations

import re

from bot.simulator.checks import bad_request, flag, int_param
from bot.simulator.core import TelegramCore
from bot.simulator.state import Json, Uploads
from bot.simulator.webhook import WebhookPusher
from bot.simulator.wire import api

SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def _remove(tg: TelegramCore, drop_pending: bool) -> None:
    if tg.webhook is not None:
        pusher, tg.webhook = tg.webhook, None
        await pusher.stop()
    if drop_pending:
        tg.updates.clear()


@api("setWebhook")
async def set_webhook(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    """Set (or with an empty url remove) the webhook; pending updates are pushed to it."""
    url = str(p.get("url") or "")
    secret = p.get("secret_token") or None
    if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret is not None and not SECRET_PATTERN.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    int_param(p, "max_connections", 40)
    await _remove(tg, flag(p, "drop_pending_updates"))
    if url:
        allowed = p.get("allowed_updates") or []
        tg.webhook = WebhookPusher(tg, url, secret, [str(x) for x in allowed])
        tg.webhook.start()
    return True


@api("deleteWebhook")
async def delete_webhook(tg: TelegramCore, p: Json, u: Uploads) -> bool:
    """Remove the webhook; long polling works again."""
    await _remove(tg, flag(p, "drop_pending_updates"))
    return True


@api("getWebhookInfo")
async def get_webhook_info(tg: TelegramCore, p: Json, u: Uploads) -> Json:
    """The webhook's state, or an empty url when polling."""
    if tg.webhook is not None:
        return tg.webhook.info()
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(tg.updates)}
