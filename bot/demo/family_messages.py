"""The demo's scene of writing to families (issue 17): Juf Lies writes good news to Lotte's family
(her mother Els reads it and answers), then sends a note only to the families of Adam and Lotte."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser


async def family_messages_scene(school: School, teacher: SimUser) -> None:
    """/write to one family and its answer; an announcement to some families of 1A."""
    t = school.t
    els = next(u for u in school.tg.users.values() if u.first_name == "Els")
    await teacher.send("/write")
    await teacher.press("Lotte")
    await teacher.next_message()  # who will get it, in which language
    await teacher.send("Lotte heeft vandaag een prachtige tekening gemaakt voor de klas!")
    preview = await teacher.wait_for_message(lambda m: "fws:" in str(m.buttons))
    await teacher.press(t("nl", "families.write_send"), message=preview)
    await els.wait_for_message(lambda m: "Lotte" in m.text and "tekening" in m.text)
    await els.send("Dank je wel! Ze was er heel trots op.")
    await teacher.wait_for_message(lambda m: "conv:ans:" in str(m.buttons))

    await teacher.send("Voor de zwemgroep: donderdag de badmuts niet vergeten.")
    draft = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(t("nl", "announce.some_families_button"), message=draft)
    await teacher.wait_for(lambda u: "◻️ Adam" in str(draft.buttons))
    await teacher.press("◻️ Adam", message=draft)
    await teacher.wait_for(lambda u: "✅ Adam" in str(draft.buttons))
    if "Lotte" not in str(draft.buttons):  # ten children a page: Lotte is on the next one
        await teacher.press("▶️", message=draft)
    await teacher.wait_for(lambda u: "◻️ Lotte" in str(draft.buttons))
    await teacher.press("◻️ Lotte", message=draft)
    await teacher.wait_for(lambda u: "✅ Lotte" in str(draft.buttons))
    await teacher.press(t("nl", "announce.done_button"), message=draft)
    await teacher.wait_for(lambda u: "ann:send:" in str(draft.buttons))
    await teacher.press(t("nl", "announce.send_now"), message=draft)
    await els.wait_for_message(lambda m: "badmuts" in m.text, timeout=15)
