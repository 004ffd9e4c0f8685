"""The district's lists, and each project's joint meeting and budget carried over from the old
fields before they go."""

from django.db import migrations

# The district's lists as the seed article names them (it can change them in the admin site).
PROJECT_CLASSES = [
    ("环境整治", "楼道、绿化、卫生、停车等环境问题"),
    ("物业管理", "物业服务、维修基金、业委会建设"),
    ("便民服务", "家门口的日常服务"),
    ("为老服务", "老年人助餐、助医、陪伴"),
    ("一老一小", "儿童托管、四点半课堂、亲子活动"),
    ("邻里互助", "邻里节、百家宴等增进邻里关系的活动"),
    ("文化体育", "文艺、读书、健身"),
    ("平安建设", "矛盾纠纷化解、安全隐患排查"),
    ("协商议事", "圆桌会、微议事等居民自治"),
    ("志愿服务", "志愿队伍建设与服务"),
]
PUBLIC_SPACES = ["步道旁", "凉亭下", "广场内", "小区花园", "楼宇架空层"]
PARTIES = {
    "党支部": "branch",
    "业委会": "owners",
    "物业": "property",
    "居民": "residents",
    "部门": "department",
    "科室": "department",
    "社区": "community",
}


def carry_over(apps, schema_editor):
    """The district's lists; each project's joint meeting from its old three fields; its
    budget total as one line, paid by the street."""
    ProjectClass = apps.get_model("projects", "ProjectClass")
    PublicSpaceKind = apps.get_model("projects", "PublicSpaceKind")
    Project = apps.get_model("projects", "Project")
    JointMeeting = apps.get_model("projects", "JointMeeting")
    MeetingAttendance = apps.get_model("projects", "MeetingAttendance")
    BudgetLine = apps.get_model("projects", "BudgetLine")
    for order, (name, description) in enumerate(PROJECT_CLASSES, 1):
        ProjectClass.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    for order, name in enumerate(PUBLIC_SPACES, 1):
        PublicSpaceKind.objects.get_or_create(name=name, defaults={"order": order})
    for project in Project.objects.exclude(joint_meeting_date=None).iterator():
        meeting = JointMeeting.objects.create(
            project=project,
            date=project.joint_meeting_date,
            feasibility=project.feasibility or "(原记录未填写)",
            decisions="(原记录未填写)",
            recorded_by_id=project.created_by_id,
        )
        for name in filter(None, (n.strip() for n in project.joint_meeting_attendees.split("、"))):
            party = next((v for k, v in PARTIES.items() if k in name), "other")
            MeetingAttendance.objects.create(meeting=meeting, party=party, name=name[:60])
    lines = [
        BudgetLine(project_id=pk, item="项目经费", amount=total, source="street")
        for pk, total in Project.objects.filter(budget_total__gt=0).values_list(
            "id", "budget_total"
        )
    ]
    BudgetLine.objects.bulk_create(lines, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_plan_review_supervision")]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="project",
            name="feasibility",
        ),
        migrations.RemoveField(
            model_name="project",
            name="joint_meeting_attendees",
        ),
        migrations.RemoveField(
            model_name="project",
            name="joint_meeting_date",
        ),
    ]
