"""Forms of the moderation area: the queue's tabs, the reason for hiding, the district's words."""

from django import forms

from .moderation import REASON_MAX, REASON_MIN, WORD_MAX

SHOW_CHOICES = [("held", "待审核"), ("hidden", "近30天已隐藏")]
# The add form takes a pasted list: 500 words of up to 30 characters, with separators.
WORDS_INPUT_MAX = 16000


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(label="查看", required=False, choices=SHOW_CHOICES)


class HideForm(forms.Form):
    reason = forms.CharField(
        label="隐藏原因",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        help_text="会显示在公开页面上:“该发言已被管理员隐藏:隐藏原因”。",
        error_messages={
            "required": "请填写隐藏原因,它会显示在公开页面上。",
            "min_length": f"隐藏原因至少 {REASON_MIN} 个字。",
            "max_length": f"隐藏原因不能超过 {REASON_MAX} 个字。",
        },
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": "例如:含有人身攻击内容",
                "minlength": REASON_MIN,
                "maxlength": REASON_MAX,
            }
        ),
    )


class WordsForm(forms.Form):
    words = forms.CharField(
        label="新增敏感词",
        max_length=WORDS_INPUT_MAX,
        help_text=f"可一次添加多个,用换行、逗号或空格隔开;每个词不超过 {WORD_MAX} 个字,"
        "已有的词会自动跳过。",
        error_messages={
            "required": "请填写至少一个敏感词。",
            "max_length": "一次粘贴的内容太长了,请分几次添加。",
        },
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class WordSearchForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=WORD_MAX, strip=True)
