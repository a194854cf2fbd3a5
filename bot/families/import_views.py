"""What the coordinator reads about an imported pupil list: the report before confirming (cut to
Telegram's 4,096 characters), the full row-by-row report as a CSV file, and the outcome."""

from __future__ import annotations

from bot.core.limits import TEXT_LIMIT, cut, utf16_len
from bot.families.roster_apply import Imported
from bot.families.roster_plan import Plan
from bot.polls.export import to_csv
from bot.telegram.context import BotContext

REPORT_PREFIX = "imp"


def report_text(context: BotContext, plan: Plan, file_name: str, *, removed: bool) -> str:
    """Counts, new classes, what is not stored, then refused rows and warnings one by one."""
    t, parsed = context.t, plan.parsed
    lines = [
        t("roster.report", file=file_name),
        t(
            "roster.counts",
            add=len(plan.add),
            change=len(plan.change),
            same=len(plan.same),
            refused=len(parsed.refused),
        ),
    ]
    if plan.new_classes:
        lines.append(t("roster.new_classes", classes=", ".join(plan.new_classes)))
    if plan.missing:
        lines.append(t("roster.missing", count=len(plan.missing)))
    if "family_key" not in parsed.columns:
        lines.append(t("roster.no_family_key"))
    if parsed.ignored:
        lines.append(t("roster.ignored", columns=", ".join(parsed.ignored)))
    if removed:
        lines.append(t("roster.file_removed"))
    rows: list[str] = []
    if parsed.refused:
        rows += ["", t("roster.refused_title")]
        rows += [_line(context, p.line, p.label, t(p.key, **p.values)) for p in parsed.refused]
    if parsed.warnings:
        rows += ["", t("roster.warnings_title")]
        rows += [_line(context, p.line, p.label, t(p.key, **p.values)) for p in parsed.warnings]
    head, tail = "\n".join(lines), "\n\n" + t("roster.full_report") + "\n" + t("roster.confirm")
    # Only the row-by-row part is cut: the counts and the question always show.
    room = TEXT_LIMIT - utf16_len(head) - utf16_len(tail)
    body = cut("\n" + "\n".join(rows), room) if rows and room > 0 else ""
    return cut(head, TEXT_LIMIT - utf16_len(tail)) + body + tail


def _line(context: BotContext, line: int, label: str, reason: str) -> str:
    return context.t("roster.line", line=line, child=label, reason=reason)


def report_csv(context: BotContext, plan: Plan) -> bytes:
    """Every row of the file with what happens to it, and the pupils not in the file."""
    t = context.t
    rows: list[tuple[int, str, str, str]] = []
    rows += [(r.line, t("roster.status_add"), r.label, "") for r in plan.add]
    for change in plan.change:
        what = ", ".join(t(f"roster.what_{w}") for w in change.what)
        rows.append((change.row.line, t("roster.status_change"), change.row.label, what))
    rows += [(r.line, t("roster.status_same"), r.label, "") for r in plan.same]
    for p in plan.parsed.refused:
        rows.append((p.line, t("roster.status_refused"), p.label, t(p.key, **p.values)))
    for p in plan.parsed.warnings:
        rows.append((p.line, t("roster.status_warning"), p.label, t(p.key, **p.values)))
    ordered: list[list[str | int]] = [list(row) for row in sorted(rows, key=lambda r: r[0])]
    ordered += [["", t("roster.status_missing"), label, ""] for _, label in plan.missing]
    header = [
        t("roster.csv_line"),
        t("roster.csv_status"),
        t("roster.csv_child"),
        t("roster.csv_note"),
    ]
    return to_csv(header, ordered)


def buttons(context: BotContext, token: int) -> list[list[tuple[str, str]]]:
    """Import / this is next school year's list / cancel."""
    return [
        [(context.t("roster.button_import"), f"{REPORT_PREFIX}:go:{token}")],
        [(context.t("roster.button_next_year"), f"{REPORT_PREFIX}:year:{token}")],
        [(context.t("roster.button_cancel"), f"{REPORT_PREFIX}:no:{token}")],
    ]


def outcome(context: BotContext, done: Imported) -> str:
    """What the import did."""
    text = context.t(
        "roster.imported", added=done.added, changed=done.changed, archived=done.archived
    )
    if done.classes:
        text += "\n" + context.t("roster.classes_created", classes=", ".join(done.classes))
    return text
