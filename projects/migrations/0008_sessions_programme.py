# Step 6 as a programme: a series generates each date once; the timeline's session events.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_sessions_and_notices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="projectevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "创建项目"),
                    ("updated", "修改内容"),
                    ("partner_linked", "链接合伙人"),
                    ("partner_unlinked", "移除合伙人"),
                    ("submitted", "提交审核"),
                    ("returned", "退回修改"),
                    ("approved", "批准"),
                    ("announced", "发布预告"),
                    ("started", "开始实施"),
                    ("activity", "记录活动"),
                    ("retrospected", "完成复盘"),
                    ("commented", "审核意见"),
                    ("condition_ok", "确认落实批准条件"),
                    ("meeting", "记录联席会"),
                    ("granted", "核定经费"),
                    ("supervised", "区级督办"),
                    ("supervision_reply", "回复督办"),
                    ("session_planned", "安排活动"),
                    ("session_changed", "调整活动安排"),
                    ("session_cancelled", "取消活动"),
                    ("photo_consent", "照片公开"),
                ],
                max_length=20,
                verbose_name="事件",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(
                condition=models.Q(("series__isnull", False)),
                fields=("series", "date"),
                name="activity_series_date_once",
                violation_error_message="这个系列在这一天已经有一场活动。",
            ),
        ),
    ]
