"""Everything that can happen to a need, declared once (core/workflow.py performs it).

collected (已收集) → studying (研究中) → adopted (已纳入项目: a project linked it) → solved (已解决,
with a note residents read); declined (暂不采纳) from collected or studying, always with the
reason residents read; reopen from declined or solved. Edit and delete are in-place actions of the
need's own community. Services call `NEED_WORKFLOW.perform`; the need's page asks
`NEED_WORKFLOW.available` for its buttons. A merge moves two rows at once: needs.services.need_merge.
"""

from core.workflow import Action, Step, Workflow, mark_deleted

from .models import Category, Need, NeedEvent, NeedStatus

S = NeedStatus
LIVE = frozenset(S.values)
# Residents' words on the receipt page: why it is not adopted, how it was solved.
OPEN = frozenset({S.COLLECTED, S.STUDYING})
EDIT_FIELDS = ("title", "description", "category", "compound")
# Typed by the engine before the check; the two relations are set by the edit's own work, after
# the check has compared them with what the need holds now.
TEXT_FIELDS = ("title", "description")


def required_note(message: str):
    def check(step: Step):
        if not str(step.data.get("note") or "").strip():
            yield message
        elif len(str(step.data["note"]).strip()) > 1000:
            yield "答复居民的内容最多 1000 字。"

    return check


def edit_is_consistent(step: Step):
    need, data = step.obj, step.data
    compound = data.get("compound")
    if compound is not None and compound.community_id != need.community_id:
        yield "所选小区不属于本社区。"
    category = data.get("category")
    if category is not None:
        if not isinstance(category, Category):
            yield "类别不正确。"
        elif not category.active and category.code != need.category_id:
            yield "这个类别已停用,请选择其他类别。"
    if "title" in data and not str(data["title"] or "").strip():
        yield "请填写需求。"


def save_edit(step: Step) -> None:
    for name in ("category", "compound"):
        if name in step.data:
            step.set(**{name: step.data[name]})
    names = [f for f in EDIT_FIELDS if f in step.data]
    step.note = "修改了" + "、".join(str(Need._meta.get_field(f).verbose_name) for f in names)
    step.detail["fields"] = sorted(names)


def tell_residents(step: Step) -> None:
    """What residents read with the status (a reason, how it was solved); cleared on reopen."""
    step.set(status_note=str(step.data.get("note") or "").strip()[:1000])


def no_receipts(step: Step):
    if step.obj.receipts.exists():
        yield "这条需求下记有居民的回执,不能删除;如果是重复需求,请把它合并到另一条需求。"


def timeline(step: Step) -> None:
    target = step.action.target
    NeedEvent.objects.create(
        need=step.obj,
        action=step.action.name,
        label=step.action.label,
        from_status=step.source if target else "",
        to_status=target or "",
        note=step.note[:1000],
        actor=step.by,
    )


NEED_WORKFLOW = Workflow(
    Need,
    [
        Action(
            "edit",
            "修改",
            "needs.change_need",
            LIVE,
            event="edit",
            fields=TEXT_FIELDS,
            check=edit_is_consistent,
            apply=save_edit,
        ),
        Action(
            "study",
            "开始研究",
            "needs.set_need_status",
            frozenset({S.COLLECTED}),
            S.STUDYING,
            "study",
            apply=tell_residents,
        ),
        # A project took it up (needs.services.need_adopt, called by projects when a project
        # gains the need); a need not adopted before may still be adopted later.
        Action(
            "adopt",
            "纳入项目",
            "needs.adopt_need",
            frozenset({S.COLLECTED, S.STUDYING, S.DECLINED}),
            S.ADOPTED,
            "adopt",
            apply=tell_residents,
        ),
        Action(
            "solve",
            "标记为已解决",
            "needs.set_need_status",
            frozenset({S.COLLECTED, S.STUDYING, S.ADOPTED}),
            S.SOLVED,
            "solve",
            check=required_note("请写明是怎么解决的,居民凭回执码可以看到。"),
            apply=tell_residents,
        ),
        Action(
            "decline",
            "暂不采纳",
            "needs.set_need_status",
            OPEN,
            S.DECLINED,
            "decline",
            check=required_note("请写明暂不采纳的理由,居民凭回执码可以看到。"),
            apply=tell_residents,
        ),
        Action(
            "reopen",
            "重新研究",
            "needs.set_need_status",
            frozenset({S.DECLINED, S.SOLVED}),
            S.STUDYING,
            "reopen",
            apply=tell_residents,
        ),
        Action(
            "delete",
            "删除",
            "needs.delete_need",
            frozenset({S.COLLECTED, S.STUDYING, S.DECLINED}),
            event="delete",
            check=no_receipts,
            apply=mark_deleted,
        ),
    ],
    initial=S.COLLECTED,
    timeline=timeline,
    noun="需求",
)

# The buttons of the need's page that move its status (adopt is the projects' to press).
STATUS_ACTIONS = ("study", "solve", "decline", "reopen")
# Those whose note residents read, and must be written.
NOTE_REQUIRED = frozenset({"solve", "decline"})
