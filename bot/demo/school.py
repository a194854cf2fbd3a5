"""A simulated school (demo and tests): a coordinator, teachers, parents joining in their languages."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import partial

from sqlmodel import select

from bot.app import BotApp
from bot.core.codes import family_payload
from bot.families import service as families
from bot.models import ClassMembership, Guardian, Member, SchoolClass
from bot.simulator import BotMessage, FakeTelegram, SimUser

_ids = itertools.count(1001)


def _turned(message: BotMessage, before: list[str]) -> bool:
    """Whether a picker shows another page than `before`."""
    return message.labels != before


@dataclass
class School:
    """People of one school, talking to the real bot through the fake Telegram."""

    tg: FakeTelegram
    app: BotApp
    classes: dict[str, str] = field(default_factory=dict)  # name -> parents' start payload

    def t(self, lang: str, key: str, **values: object) -> str:
        """What the bot says in a language (from the real catalogs)."""
        return self.app.bot_data.catalogs.t(lang, key, **values)

    def tn(self, lang: str, key: str, n: int, **values: object) -> str:
        """A plural message in a language, in the form for the count `n`."""
        return self.app.bot_data.catalogs.tn(lang, key, n, **values)

    def help(self, lang: str, role: str) -> str:
        """What /help says to a role in a language."""
        return self.app.bot_data.catalogs.help(lang, role)

    def person(self, name: str, language_code: str = "nl", user_id: int | None = None) -> SimUser:
        """A Telegram user (new, or one who already talks to another school's bot)."""
        return self.tg.user(user_id or next(_ids), name, language_code=language_code)

    async def pick_language(self, user: SimUser, lang: str, second: str | None = None) -> None:
        """Answer the language picker (and the second-language question when asked)."""
        await user.press(self.app.bot_data.catalogs.native_name(lang))
        await user.expect_text(self.t(lang, "language.changed"))
        if lang != "nl":
            await user.expect_text(self.t(lang, "start.choose_second_language"))
            label = (
                self.app.bot_data.catalogs.native_name(second)
                if second
                else self.t(lang, "start.second_language_none")
            )
            await user.press(label)

    async def coordinator(self, name: str = "Sofie") -> SimUser:
        """The first coordinator, through the one-time link printed at start-up."""
        link = self.app.bot_data.bootstrap_link
        assert link is not None, "no bootstrap link: a coordinator exists already"
        user = self.person(name)
        await user.send("/start " + link.split("start=", 1)[1])
        await user.expect_text(self.t("nl", "start.choose_language"))
        await self.pick_language(user, "nl")
        await user.expect_text(self.t("nl", "invite.joined", role=self.t("nl", "role.coordinator")))
        return user

    async def new_class(self, coordinator: SimUser, name: str) -> str:
        """Create a class with /newclass; returns the parents' start payload."""
        await coordinator.send(f"/newclass {name}")
        await coordinator.expect_text(self.t("nl", "classes.created", name=name))
        msg = await coordinator.expect_text("https://t.me/")
        payload = msg.text.split("start=", 1)[1].split()[0]
        self.classes[name] = payload
        return payload

    async def letter(
        self, class_name: str, child: str, *, languages: str = "", guardians: int = 2
    ) -> list[str]:
        """The school puts a child on its roster and prints a personal letter: the start
        payloads of its codes, one per guardian."""
        services, school_class = self.app.bot_data, await self.class_row(class_name)
        now = services.clock.now()
        async with services.sessions() as session:
            family = await families.new_family(session, school_id=services.school_id, now=now)
            await families.add_pupil(
                session,
                school_id=services.school_id,
                family_id=family.id or 0,
                class_id=school_class.id,
                first_name=child,
                languages=languages,
                now=now,
            )
            codes = await families.issue_codes(
                session,
                school_id=services.school_id,
                family_id=family.id or 0,
                count=guardians,
                now=now,
            )
            await session.commit()
        return [family_payload(code) for code in codes]

    async def parent(
        self,
        name: str,
        lang: str,
        class_name: str,
        *,
        second: str | None = None,
        user_id: int | None = None,
        child: str | None = None,
        role: str | None = None,
    ) -> SimUser:
        """A parent who scans their personal letter (their child on the class's roster) and
        joins in their language; with `role` (mother, father, other) they also tap what they
        are."""
        child = child or f"Kind {name}"
        payload = (await self.letter(class_name, child, languages=lang, guardians=1))[0]
        user = self.person(name, language_code=lang, user_id=user_id)
        await user.send("/start " + payload)
        await self.pick_language(user, lang, second)
        await user.expect_text(self.t(lang, "families.joined", children=f"{child} ({class_name})"))
        if role is not None:
            label = self.t(lang, f"families.role_{role}")
            await user.press(label)
            await user.expect_text(self.t(lang, "families.role_saved", role=label))
        return user

    async def member(self, user: SimUser) -> Member | None:
        """The stored member row of a Telegram user."""
        async with self.app.bot_data.sessions() as session:
            found = await session.exec(select(Member).where(Member.telegram_id == user.id))
            return found.first()

    async def class_row(self, name: str) -> SchoolClass:
        """The stored class by name."""
        async with self.app.bot_data.sessions() as session:
            found = await session.exec(select(SchoolClass).where(SchoolClass.name == name))
            return found.one()

    async def teacher(self, coordinator: SimUser, name: str, class_name: str) -> SimUser:
        """The coordinator invites a teacher for a class; the teacher opens the link."""
        await coordinator.send("/invite")
        await coordinator.press(self.t("nl", "invite.role_teacher"))
        await coordinator.press(class_name)
        msg = await coordinator.expect_text("https://t.me/")
        payload = msg.text.split("start=", 1)[1].split()[0]
        user = self.person(name)
        await user.send("/start " + payload)
        await self.pick_language(user, "nl")
        await user.expect_text(self.t("nl", "invite.joined", role=self.t("nl", "role.teacher")))
        await coordinator.expect_text(
            self.t("nl", "invite.used_notice", name=name, role=self.t("nl", "role.teacher"))
        )
        return user

    async def crowd(self, class_name: str, count: int, languages: tuple[str, ...]) -> list[SimUser]:
        """Parents who joined a class earlier, stored straight in the database (big broadcasts)."""
        services, school_class = self.app.bot_data, await self.class_row(class_name)
        users = [self.person(f"Ouder {i + 1}", languages[i % len(languages)]) for i in range(count)]
        async with services.sessions() as session:
            members = [
                Member(
                    school_id=services.school_id,
                    telegram_id=user.id,
                    chat_id=user.id,
                    first_name=user.first_name,
                    language=user.language_code,
                    created_at=services.clock.now(),
                )
                for user in users
            ]
            session.add_all(members)
            await session.flush()
            now = services.clock.now()
            for m in members:  # each a family with one child in the class
                family = await families.new_family(session, school_id=services.school_id, now=now)
                await families.add_pupil(
                    session,
                    school_id=services.school_id,
                    family_id=family.id or 0,
                    class_id=school_class.id,
                    first_name=f"Kind {m.first_name}",
                    languages=m.language or "",
                    now=now,
                )
                session.add(
                    Guardian(
                        school_id=services.school_id,
                        family_id=family.id or 0,
                        member_id=m.id or 0,
                        created_at=now,
                    )
                )
            session.add_all(
                ClassMembership(member_id=m.id or 0, class_id=school_class.id or 0, created_at=now)
                for m in members
            )
            await session.commit()
        return users

    async def on_roster(self, class_name: str, child: str) -> int:
        """The school puts a child on the class's roster (a new family, no letter); its pupil id."""
        services, school_class = self.app.bot_data, await self.class_row(class_name)
        now = services.clock.now()
        async with services.sessions() as session:
            family = await families.new_family(session, school_id=services.school_id, now=now)
            pupil = await families.add_pupil(
                session, school_id=services.school_id, family_id=family.id or 0,
                class_id=school_class.id, first_name=child, now=now,
            )  # fmt: skip
            await session.commit()
        return pupil.id or 0

    async def parent_via_class_link(
        self, name: str, lang: str, class_name: str, child: str, teacher: SimUser, *,
        role: str = "mother", second: str | None = None,
    ) -> SimUser:  # fmt: skip
        """A parent without a letter scans the class's QR, picks their child (on the roster) and
        their role; the class's teacher approves. Returns the connected parent."""
        school_class = await self.class_row(class_name)
        async with self.app.bot_data.sessions() as session:
            kids = await families.children(session, class_id=school_class.id)
        if child not in {k.first_name for k in kids}:
            await self.on_roster(class_name, child)
        user = self.person(name, language_code=lang)
        await user.send("/start " + self.classes[class_name])
        await self.pick_language(user, lang, second)
        picker = await user.expect_text(self.t(lang, "approval.pick_child", class_name=class_name))
        while child not in picker.labels and "›" in picker.labels:  # eight names a page
            await user.press("›", picker)
            await self.tg.wait_until(partial(_turned, picker, picker.labels), 5)
        await user.press(child, picker)
        await user.press(self.t(lang, f"families.role_{role}"))
        await user.expect_text(self.t(lang, "approval.requested", class_name=class_name))
        await teacher.wait_for_message(
            lambda m: f"{name} (" in m.text and "jr:a:" in str(m.buttons)
        )
        await teacher.press(self.t("nl", "approval.approve"))
        await teacher.expect_text(self.t("nl", "approval.done_approved", name=teacher.first_name,
                                         parent=name, child=f"{child} ({class_name})",
                                         class_name=class_name))  # fmt: skip
        await user.expect_text(
            self.t(
                lang, "approval.approved", class_name=class_name, child=f"{child} ({class_name})"
            )
        )
        return user
