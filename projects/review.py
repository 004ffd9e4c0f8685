"""The version a round of review keeps, and what changed between two rounds.

`snapshot(project)` turns the submitted plan, budget, joint meeting and proposal into an ordered
list of (label, text) pairs, stored on the round as JSON. `compare(old, new)` says field by field
what changed; long texts are compared paragraph by paragraph, and what a page shows is bounded.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

# A diff page never shows more than this many paragraphs per field, nor fields in all.
MAX_PARAGRAPHS = 60
MAX_FIELDS = 40


def _money(value) -> str:
    return f"{value:.2f} 元" if value is not None else "—"


def snapshot(project) -> list[list[str]]:
    """The submitted version, field by field, as text (readable without the database)."""
    rows = [
        ("项目名称", project.title),
        ("项目简介", project.summary),
        ("类型", project.get_theme_display()),
        ("项目类别", str(project.project_class or "")),
        ("服务的小区", "、".join(c.name for c in project.compounds.all())),
        ("服务对象", project.target_groups),
        ("户外公共空间", str(project.public_space or "")),
        ("五微不至", project.get_micro_kind_display() if project.micro_kind else ""),
        ("项目目标", project.goal),
        (
            "起止日期",
            f"{project.start_date:%Y-%m-%d} 至 {project.end_date:%Y-%m-%d}"
            if project.start_date and project.end_date
            else "",
        ),
        (
            "计划节点",
            "\n".join(
                f"{m.date:%Y-%m-%d} {m.title}(负责人:{m.responsible})"
                for m in project.milestones.all()
            ),
        ),
        (
            "预算明细",
            "\n".join(
                f"{line.item}:{_money(line.amount)}({line.get_source_display()})"
                for line in project.budget_lines.all()
            ),
        ),
        ("预算总额", _money(project.budget_total)),
        ("回应的需求", "\n".join(n.title for n in project.needs.all())),
        ("链接的合伙人", "\n".join(p.name for p in project.partners.all())),
        (
            "合伙人的贡献",
            "\n".join(
                f"{c.partner.name}:{c.get_kind_display()} · {c.description} {c.amount_label}".strip()
                for c in project.contributions.select_related("partner")
            ),
        ),
        ("未链接资源的原因", project.no_partner_reason),
    ]
    meeting = getattr(project, "meeting", None) if _has_meeting(project) else None
    if meeting is not None:
        rows += [
            ("联席会日期", f"{meeting.date:%Y-%m-%d}"),
            (
                "联席会参会人",
                "\n".join(f"{a.get_party_display()}:{a.name}" for a in meeting.attendances.all()),
            ),
            ("可行性分析", meeting.feasibility),
            ("议定的目标", meeting.agreed_goal),
            ("议定的预算", _money(meeting.agreed_budget)),
            (
                "服务需求",
                f"志愿者 {meeting.volunteers_needed} 人;场地:{meeting.venues_needed or '—'};"
                f"技能:{meeting.skills_needed or '—'}",
            ),
            ("会议决定", meeting.decisions),
        ]
    rows.append(("实施方案", project.proposal))
    return [[label, text or ""] for label, text in rows]


def _has_meeting(project) -> bool:
    from .models import JointMeeting

    try:
        project.meeting  # noqa: B018
    except JointMeeting.DoesNotExist:
        return False
    return True


@dataclass
class Line:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class FieldChange:
    label: str
    kind: str  # "added", "removed", "changed"
    lines: list[Line] = field(default_factory=list)
    cut: int = 0  # paragraphs left out to keep the page short


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def compare(old: list, new: list) -> tuple[list[FieldChange], int]:
    """The fields that changed between two snapshots, in the new one's order, and how many
    changed fields were left out past MAX_FIELDS."""
    before = {label: text for label, text in old}
    after = {label: text for label, text in new}
    changes: list[FieldChange] = []
    labels = [label for label, _ in new] + [label for label, _ in old if label not in after]
    for label in labels:
        a, b = before.get(label), after.get(label)
        if a == b:
            continue
        if not a:
            change = FieldChange(label, "added", [Line("added", p) for p in _paragraphs(b)])
        elif not b:
            change = FieldChange(label, "removed", [Line("removed", p) for p in _paragraphs(a)])
        else:
            change = FieldChange(label, "changed", _paragraph_diff(a, b))
        if len(change.lines) > MAX_PARAGRAPHS:
            change.cut = len(change.lines) - MAX_PARAGRAPHS
            change.lines = change.lines[:MAX_PARAGRAPHS]
        changes.append(change)
    left_out = max(0, len(changes) - MAX_FIELDS)
    return changes[:MAX_FIELDS], left_out


def _paragraph_diff(a: str, b: str) -> list[Line]:
    old, new = _paragraphs(a), _paragraphs(b)
    lines: list[Line] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            # Unchanged paragraphs between changes: only the first of a long run, for context.
            kept = old[i1:i2]
            lines += [Line("same", p) for p in kept[:1]]
            if len(kept) > 1:
                lines.append(Line("same", f"……(另有 {len(kept) - 1} 段未改动)"))
            continue
        lines += [Line("removed", p) for p in old[i1:i2]]
        lines += [Line("added", p) for p in new[j1:j2]]
    return lines
