"""What the approval screens show: the child picker (first name and initial only, paged), the
role buttons, and the teachers' request and decision lines (in Dutch, the staff's language)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import Catalogs
from bot.families.approval import Decided
from bot.families.service import Child
from bot.models import GuardianRole, JoinRequest, LinkVia, Member
from bot.telegram.common import Button

PAGE = 8  # children per page of the picker
ROLES = (GuardianRole.MOTHER, GuardianRole.FATHER, GuardianRole.OTHER)


def short_name(child: Child) -> str:
    """'Adam B.': what a parent may see of another family's child."""
    return f"{child.first_name} {child.last_initial}".strip()


def child_rows(
    kids: list[Child],
    page: int,
    *,
    pick: Callable[[int], str],
    turn: Callable[[int], str],
    columns: int = 2,
) -> list[list[Button]]:
    """One page of children as buttons (`pick(pupil_id)`), with ‹ › to turn pages."""
    pages = max(1, -(-len(kids) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = kids[page * PAGE : (page + 1) * PAGE]
    buttons = [(short_name(c), pick(c.pupil_id)) for c in shown]
    rows = [buttons[i : i + columns] for i in range(0, len(buttons), columns)]
    arrows: list[Button] = []
    if page > 0:
        arrows.append(("‹", turn(page - 1)))
    if page + 1 < pages:
        arrows.append(("›", turn(page + 1)))
    if arrows:
        rows.append(arrows)
    return rows


def parent_picker(
    t: Callable[..., str], kids: list[Child], class_id: int, page: int
) -> list[list[Button]]:
    """The parent's picker: `jq:p:<class>:<pupil>`, pages `jq:g:<class>:<page>`, not in list."""
    rows = child_rows(
        kids,
        page,
        pick=lambda pupil: f"jq:p:{class_id}:{pupil}",
        turn=lambda p: f"jq:g:{class_id}:{p}",
    )
    rows.append([(t("approval.not_in_list"), f"jq:t:{class_id}")])
    return rows


def role_rows(t: Callable[..., str], class_id: int, pupil_id: int) -> list[list[Button]]:
    """Mother / father / someone else: `jq:r:<class>:<pupil or 0 = typed>:<role>`."""
    return [
        [(t(f"families.role_{role.value}"), f"jq:r:{class_id}:{pupil_id}:{role.value}")]
        for role in ROLES
    ]


def teacher_picker(
    t: Callable[..., str], kids: list[Child], request_id: int, page: int
) -> list[list[Button]]:
    """The teacher picks the child of a typed name: `jp:<request>:<pupil>` (0 = the class only),
    pages `jg:<request>:<page>`."""
    rows = child_rows(
        kids,
        page,
        pick=lambda pupil: f"jp:{request_id}:{pupil}",
        turn=lambda p: f"jg:{request_id}:{p}",
    )
    rows.append([(t("approval.without_child"), f"jp:{request_id}:0")])
    return rows


def decision_rows(t: Callable[..., str], request: JoinRequest) -> list[list[Button]]:
    """Approve / Refuse (or, for a member from before, "not a parent of this class")."""
    refuse = "approval.not_parent" if request.via == LinkVia.UPGRADE else "approval.refuse"
    return [[(t("approval.approve"), f"jr:a:{request.id}"), (t(refuse), f"jr:r:{request.id}")]]


def child_text(t: Callable[..., str], request: JoinRequest, child: Child | None) -> str:
    """The child a request names: picked from the list, or as the parent typed it."""
    if child is not None:
        return child.label
    if request.typed_name:
        return t("approval.typed_child", name=request.typed_name)
    return t("approval.no_child")


def notice_text(
    catalogs: Catalogs,
    lang: str,
    *,
    request: JoinRequest,
    parent: Member,
    class_name: str,
    child: Child | None,
) -> str:
    """The request as a class's teacher reads it."""
    key = "approval.notice_upgrade" if request.via == LinkVia.UPGRADE else "approval.notice"
    return catalogs.t(
        lang,
        key,
        parent=parent.first_name,
        language=catalogs.language_name(parent.language or "nl", lang),
        class_name=class_name,
        role=catalogs.t(lang, f"approval.as_{request.role}"),
        child=child_text(lambda k, **v: catalogs.t(lang, k, **v), request, child),
    )


def outcome_text(catalogs: Catalogs, lang: str, decided: Decided, decider: str) -> str:
    """What every teacher's copy of the request says once it is decided."""
    request, values = (
        decided.request,
        {
            "name": decider,
            "parent": decided.parent.first_name,
            "class_name": decided.class_name,
        },
    )
    if not decided.approved:
        upgrade = request.via == LinkVia.UPGRADE
        return catalogs.t(lang, "approval.done_not_parent" if upgrade else "approval.done_refused",
                          **values)  # fmt: skip
    if decided.child is None:
        return catalogs.t(lang, "approval.done_class_only", **values)
    return catalogs.t(lang, "approval.done_approved", child=decided.child.label, **values)


def parent_outcome(catalogs: Catalogs, decided: Decided) -> str:
    """What the parent reads, in their language."""
    lang, request = decided.parent.language or "nl", decided.request
    upgrade = request.via == LinkVia.UPGRADE
    if not decided.approved:
        key = "approval.removed_not_parent" if upgrade else "approval.refused"
        return catalogs.t(lang, key, class_name=decided.class_name)
    if decided.child is None:
        return catalogs.t(lang, "approval.approved_class", class_name=decided.class_name)
    key = "approval.confirmed" if upgrade else "approval.approved"
    return catalogs.t(lang, key, class_name=decided.class_name, child=decided.child.label)
