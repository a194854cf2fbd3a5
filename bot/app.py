"""Wiring: `build_application(settings)` builds the bot with every handler in one ordered list."""

from __future__ import annotations

import logging
import sys
from typing import Any

from telegram import LinkPreviewOptions
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.absences import export_handlers as absence_exports
from bot.absences import handlers as absences
from bot.absences import jobs as absence_jobs
from bot.announcements import handlers as announcements
from bot.announcements import question_handlers as questions
from bot.announcements import revision_handlers as revisions
from bot.announcements import schedule_handlers as scheduling
from bot.announcements import subset_handlers as announcement_subsets
from bot.announcements.sender import Sender
from bot.classes import handlers as classes
from bot.classes import member_handlers as class_members
from bot.cluster.fence import Fence
from bot.conversations import answer_handlers as answers
from bot.conversations import buddy_handlers as buddies
from bot.conversations import fallback_handlers as fallback
from bot.conversations import follow_up_jobs
from bot.conversations import handlers as conversations
from bot.conversations import inbox_handlers as inbox
from bot.conversations import jobs as housekeeping
from bot.core.cache import watch
from bot.core.clock import Clock, ManualClock, SystemClock
from bot.core.codes import deep_link, invite_payload
from bot.core.db import session_factory
from bot.core.scheduler import Scheduler
from bot.core.settings import Settings
from bot.dashboard import handlers as dashboard
from bot.dashboard import jobs as dashboard_jobs
from bot.families import approval_handlers as class_link_join
from bot.families import decision_handlers as join_decisions
from bot.families import import_handlers as roster_import
from bot.families import jobs as roster_jobs
from bot.families import join_handlers as family_join
from bot.families import letter_handlers as letters
from bot.families import pupil_handlers as pupils
from bot.families import reach_handlers as reach
from bot.families import upgrade_handlers as family_upgrade
from bot.families import write_handlers as family_write
from bot.invitations import change_handlers as event_changes
from bot.invitations import handlers as invitations
from bot.invitations import jobs as invitation_jobs
from bot.invitations import option_handlers as invitation_options
from bot.meetings import handlers as meeting_slots
from bot.meetings import jobs as meeting_jobs
from bot.onboarding import handlers as onboarding
from bot.onboarding import lookups
from bot.onboarding.members import ensure_school, rebind_to_private_chats
from bot.onboarding.profile_views import set_bot_profile
from bot.permissions import answer_handlers as form_answers
from bot.permissions import handlers as forms
from bot.permissions import jobs as form_jobs
from bot.pictograms import handlers as pictograms
from bot.polls import answer_handlers as poll_answers
from bot.polls import choice_handlers as poll_choice
from bot.polls import editor_handlers as poll_editor
from bot.polls import free_text_handlers as poll_free_text
from bot.polls import handlers as polls
from bot.polls import jobs as poll_jobs
from bot.polls import report_handlers as poll_reports
from bot.privacy import handlers as privacy
from bot.read_aloud import handlers as read_aloud
from bot.read_aloud.voice_sender import VoiceSender
from bot.reviews import handlers as reviews
from bot.reviews import hold_handlers as review_first
from bot.school import handlers as staff
from bot.school import settings_handlers as school_settings
from bot.school.invites import bootstrap_invite
from bot.shared import Shared, open_shared
from bot.telegram import errors, middleware
from bot.telegram.context import BotContext, BotData
from bot.telegram.flood import FloodGate
from bot.telegram.http import AiohttpRequest
from bot.telegram.menus import set_default_menus
from bot.telegram.pacer import Pacer
from bot.telegram.ratelimit import CONNECTIONS, PacedRateLimiter
from bot.telegram.updates import OrderedUpdateProcessor, either, group_chatter

log = logging.getLogger(__name__)
BotApp = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    shared: Shared | None = None,
    webhook: bool = False,
    fence: Fence | None = None,
) -> BotApp:
    """One school's bot: services opened in post_init (or `shared` by several schools).

    With `webhook=True` there is no updater: the web server (bot/web) puts updates on the queue.
    With a `fence` (bot/cluster/: this process owns the school by a lease) every request waits for
    the lease to be surely ours, and the outbox's unfinished claims are an earlier owner's.
    """
    if not settings.telegram_bot_token:
        raise ValueError("build_application needs TELEGRAM_BOT_TOKEN")
    clock = clock or SystemClock()
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    builder = ApplicationBuilder()
    if webhook:
        builder = builder.updater(None)
    app: BotApp = (
        builder.token(settings.telegram_bot_token)
        .base_url(settings.api_base)
        .base_file_url(settings.api_file_base)
        .context_types(context_types)
        .defaults(
            Defaults(tzinfo=settings.tz, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        # One budget for replies and the outbox: 30 messages/s overall, 1/s per chat.
        .rate_limiter(PacedRateLimiter(Pacer(per_second=settings.send_rate), fence=fence))
        # aiohttp (bot/telegram/http.py), at most CONNECTIONS at once (the rate limiter sends no more). A
        # request Telegram does not answer in time is retried (it may have arrived: see docs).
        .request(AiohttpRequest(connections=CONNECTIONS, timeout=settings.telegram_timeout))
        # Long polling too: with presses side by side getUpdates comes back every few updates.
        .get_updates_request(AiohttpRequest(connections=1, timeout=settings.telegram_timeout))
        # Each person's and chat's updates in order; other people's in order of arrival too,
        # except a busy person's (3 waiting when another arrives), who steps out of line; poll
        # presses and group chatter side by side; beyond 30 messages or 60 presses a minute a
        # person is told to slow down (bot/telegram/updates.py, bot/telegram/flood.py).
        .concurrent_updates(
            OrderedUpdateProcessor(
                either(poll_answers.alongside, meeting_slots.alongside, group_chatter),
                gate=FloodGate(clock),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data.settings = settings
    app.bot_data.clock = clock
    app.bot_data.shared = shared
    app.bot_data.exclusive = fence is not None

    # Handlers, in order (see bot/telegram/common.py for the groups). The middleware runs first
    # for every update; in the feature group only the first matching handler runs, so the
    # catch-alls come last.
    middleware.register(app)  # load member, pick language, check the command's role
    onboarding.register(app)  # /start, language picker, /language, /help
    privacy.register(app)  # /mydata, /forget, /stop
    read_aloud.register(app)  # /voice and the 🔊 offer at sign-up: voice messages after texts
    staff.register(app)  # /invite for teachers and coordinators
    classes.register(app)  # /classes, /newclass, /myclasses, links, QR flyers, rename answers
    family_join.register(app)  # personal letters: mother / father / other guardian after joining
    letters.register(app)  # /letters and `lt:` buttons: personal invitation letters as one PDF
    class_link_join.register(app)  # class link: whose parent (child, role) -> a join request
    join_decisions.register(app)  # the class's teachers approve or refuse join requests
    class_members.register(app)  # a class's parents; removing one (rm:<class>:<member>)
    family_upgrade.register(app)  # old parents asked once whose parent they are (after the update)
    reach.register(app)  # /reach, /classlist and its buttons (write, letters, remove)
    roster_import.register(app)  # /import a pupil list (CSV/XLSX): report, then Import / Cancel
    pupils.register(app)  # /addpupil, /removepupil: one pupil at a time
    family_write.register(app)  # /write and `fw:`: the team writes first to one family
    announcements.register(app)  # preview, send, seen, original/translation buttons
    announcement_subsets.register(app)  # Some families…: children picked under a preview
    pictograms.register(app)  # 🖼 under a preview: pictograms on or off, the strip shown
    questions.register(app)  # 💬 Question under a copy: the parent's question reaches the author
    revisions.register(app)  # ✏️ Edit and 🗑 Withdraw after sending
    invitations.register(app)  # /meeting from a template or from scratch, RSVP buttons
    invitation_options.register(app)  # picture, map, children, interpreter, thank-you poll toggles
    event_changes.register(app)  # cancelling a meeting: copies edited, those who answered told
    meeting_slots.register(app)  # /oudercontact: meeting slots, families book, change, cancel
    scheduling.register(app)  # Schedule…: suggested or typed moments, Send now, release
    absences.register(app)  # /absent: a guardian's note; staff mark a child, the family answers
    absence_exports.register(app)  # /absences: the office's CSV and XLSX per period
    forms.register(app)  # /form: a yes/no permission form per child, list and CSV
    form_answers.register(app)  # the families' Yes / No until the deadline
    conversations.register(app)  # a parent's "to the school office instead"
    inbox.register(app)  # /inbox, Answer, Handled, Pass on, Export
    answers.register(app)  # Original/Translation under the team's answers
    buddies.register(app)  # /buddy, and connecting a language buddy with a parent
    reviews.register(app)  # /reviewers; reviewers approve or correct machine translations
    review_first.register(app)  # 👀 under a preview: copies wait for a reviewer (2 h at most)
    school_settings.register(app)  # /quiethours
    polls.register(app)  # /polls: coordinators pick a flow, audience, closing date; launch
    poll_editor.register(app)  # ✏️ Adapt: the school's own copy of a poll, edited in the bot
    poll_answers.register(app)  # parents answer polls (emoji buttons, skip, stop)
    poll_free_text.register(app)  # "Something else": own words, anonymous, also after a restart
    poll_choice.register(
        app
    )  # the words after it; after a restart the parent chooses: poll or team
    poll_reports.register(app)  # live totals, chart, /export CSV and XLSX, close now
    dashboard.register(app)  # /dashboard: a one-time login link to the coordinator dashboard
    fallback.register(app)  # unknown commands, parents' free messages, stale buttons
    app.add_error_handler(errors.on_error)  # type: ignore[arg-type]
    return app


async def _post_init(app: BotApp) -> None:
    """Open (or join) the shared services, make sure the school exists, publish the menus."""
    data, settings = app.bot_data, app.bot_data.settings
    if data.shared is None:  # one school on its own: it opens and closes what it uses
        data.shared, data.owns_shared = await open_shared(settings, data.clock), True
    shared = data.shared
    data.catalogs, data.flows, data.poll_secret = shared.catalogs, shared.flows, shared.poll_secret
    data.engine, data.translator = shared.engine, shared.translator
    data.speaker = shared.speaker  # read-aloud voices, one per process (bot/speech/)
    data.transcriber = shared.transcriber  # voice notes to text (bot/transcription/)
    async with shared.sessions() as session:
        school = await ensure_school(
            session, key=settings.school_key, name=settings.school_name, now=data.clock.now()
        )
    assert school.id is not None
    data.school_id = school.id
    data.sessions = session_factory(data.engine, school_id=school.id)  # sees this school only
    async with data.sessions() as session:  # members once bound to a group's chat: their own again
        if moved := await rebind_to_private_chats(session, school_id=school.id):
            log.warning("%s: %s member(s) moved from a group chat to their own", school.key, moved)
    watch(data.engine.sync_engine, data.caches.all())  # writes drop the caches (bot/core/cache.py)
    async with data.sessions() as session:  # a new link is printed once, then only its date
        boot = await bootstrap_invite(session, school_id=school.id, now=data.clock.now())
    if boot is not None:
        if boot.code is not None:
            data.bootstrap_link = deep_link(app.bot.username, invite_payload(boot.code))
        # To the console, never into the log (bot/core/logs.py keeps invite links out of it).
        notice = boot.notice(
            school_name=settings.school_name, school_key=settings.school_key,
            link=data.bootstrap_link,
        )  # fmt: skip
        print(notice, file=sys.stderr, flush=True)
    await set_default_menus(app.bot, data.catalogs)
    await set_bot_profile(app.bot, data.catalogs)  # what the empty chat shows before START
    data.sender = Sender(app.bot, data)
    await data.sender.start()
    data.voices = VoiceSender(app.bot, data)  # read-aloud: voices after the texts
    await data.voices.start()
    assert app.job_queue is not None
    data.scheduler = Scheduler(app.job_queue, data.clock)
    if isinstance(data.clock, ManualClock):  # tests and the demo move time by hand
        data.clock.subscribe(data.scheduler.poke)
        data.clock.subscribe(data.sender.wake)
        data.clock.subscribe(data.voices.wake)  # a voice claim's lease ends by this clock too
    waiting = await scheduling.restore(data, app.bot)
    housekeeping.schedule(data, app.bot)  # retention and the daily inbox summary
    roster_jobs.schedule(data)  # after the school year's end: pupils who left are deleted
    dashboard_jobs.schedule(data)  # old dashboard logins and expired sessions, nightly
    await invitation_jobs.restore(data, app.bot)  # reminders of events still to come
    await meeting_jobs.restore(data, app.bot)  # meeting slots: reminders, nudge, morning overview
    await follow_up_jobs.restore(data, app.bot)  # parents' messages held back (quiet hours)
    await absence_jobs.restore(data, app.bot)  # held notes, morning lists, weekly overview
    await form_jobs.restore(data, app.bot)  # permission forms' one reminder
    await poll_jobs.schedule(data, app.bot)  # poll invitations, reminders and closing
    log.info("%s: scheduled announcements waiting: %s", settings.school_key, waiting)


async def _post_shutdown(app: BotApp) -> None:
    """Close what post_init opened."""
    data = app.bot_data
    if isinstance(data.clock, ManualClock):
        if data.scheduler is not None:
            data.clock.unsubscribe(data.scheduler.poke)
        if data.sender is not None:
            data.clock.unsubscribe(data.sender.wake)
        if data.voices is not None:
            data.clock.unsubscribe(data.voices.wake)
    if app.bot_data.sender is not None:
        await app.bot_data.sender.stop()
    if data.voices is not None:
        await data.voices.stop()
    try:  # "last active" days still waiting (bot/onboarding/lookups.py)
        await lookups.flush_active(data.caches, data.sessions)
    except Exception:  # a day of "last active" is not worth a failed shutdown
        log.exception("could not write the last active days at shutdown")
    if data.owns_shared and data.shared is not None:  # shared by several schools: run_schools
        await data.shared.close()
