"""Forms of the topics area: raising a topic, posting in a thread (residents' and staff's), and
reading a thread fragment's position. Every field is listed; the meeting, the community, the
author and the moderation state are never taken from the client."""

from django import forms

from core.once import OnceForm

TITLE_MAX = 60
BODY_MAX = 2000
POST_MAX = 1000
ON_BEHALF_MAX = 60


def _text(label: str, max_length: int, *, required=True, rows=None, help_text="") -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    widget.attrs["maxlength"] = max_length
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}最多 {max_length} 个字(现在 %(show_value)d 个字)。",
            "null_characters_not_allowed": f"{label}里有无法识别的字符,请删掉后再提交。",
        },
    )


class TopicForm(OnceForm):
    """A resident (or the property company, or the owners' committee) raises a topic."""

    title = _text("议题", TITLE_MAX, help_text="一句话说清楚要商量的事,例如:3号楼门口晚上太吵")
    body = _text("情况说明", BODY_MAX, rows=5, help_text="发生在哪里、什么时候、希望怎么解决")


class StaffTopicForm(TopicForm):
    """Staff raise a topic as the community, or for a resident without a phone."""

    on_behalf_of = _text(
        "代谁提出",
        ON_BEHALF_MAX,
        required=False,
        help_text="为没有手机的居民代提时填写,例如:3号楼 王大爷;不填则以社区名义提出",
    )


class PostForm(forms.Form):
    """One message in a topic's thread."""

    body = _text("发言", POST_MAX, rows=3)


class StaffPostForm(PostForm):
    on_behalf_of = _text(
        "代谁发言",
        ON_BEHALF_MAX,
        required=False,
        help_text="为没有手机的居民代发时填写,例如:3号楼 王大爷;不填则以社区名义发言",
    )


def parse_id(raw) -> int | None:
    """A post id from the query string (?after= / ?before=); anything else is none."""
    raw = str(raw or "")
    # isascii: "²".isdigit() is true, and int("²") would fail.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
