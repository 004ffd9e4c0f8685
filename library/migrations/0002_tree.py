"""The library's tree as the district first lists it: 3 activity classes and 10 activity items
(library.models.DEFAULT_TREE is the same list; the district edits it in the admin site)."""

from django.db import migrations

TREE = [
    (
        "便民服务",
        "把服务送到居民家门口,解决急难愁盼的小事",
        [
            (
                "家门口便民集市",
                "义诊、义剪、磨刀配钥匙、家电维修等服务定期摆到小区门口和广场上,"
                "由合伙人和周边商户轮流出摊,居民不出小区办成小事。",
                ["old", "resettlement"],
            ),
            (
                "维修服务进小区",
                "楼道照明、充电车棚、外墙保温、屋面防水等老旧小区的实事,"
                "由社区党组织牵头、物业和共建单位出力,先解决居民最着急的问题。",
                ["old"],
            ),
            (
                "一老一小照护",
                "老年助餐、健康义诊、四点半课堂、暑期托管和幼儿陪护,"
                "让安置小区里的老人和孩子在家门口有人照看。",
                ["resettlement", "old"],
            ),
        ],
    ),
    (
        "群众活动",
        "以活动凝聚邻里,让居民从旁观者变成组织者",
        [
            (
                "邻里节",
                "美食分享、楼栋才艺展示、邻里互助集市,让住在同一栋楼的人从“面熟”到“相知”。",
                ["commercial", "resettlement"],
            ),
            (
                "百家宴",
                "每家带一道拿手菜,长桌摆在小区广场,新老居民围坐一起聊小区的大事小情。",
                ["commercial"],
            ),
            (
                "社区运动会",
                "趣味项目、亲子项目和健步走,以家庭和楼栋为单位参赛,在运动中熟络起来。",
                ["commercial", "resettlement"],
            ),
            (
                "读书会",
                "步道旁、凉亭下的共享书架,亲子阅读和银龄读书分享,让书香进小区。",
                ["commercial", "old"],
            ),
        ],
    ),
    (
        "节日节庆",
        "借传统节日和纪念日,把居民请出家门",
        [
            (
                "传统节日",
                "春节写春联、元宵猜灯谜、端午包粽子、中秋团圆、重阳敬老,节日里的邻里互助。",
                ["old", "resettlement", "commercial"],
            ),
            (
                "红色纪念日",
                "七一、国庆等纪念日的主题党日、老党员讲故事和小区升旗仪式。",
                ["old", "resettlement"],
            ),
            (
                "社区文化节",
                "合唱、书画、广场舞和手工市集的居民展演,一年一届,由居民文艺骨干自己组织。",
                ["commercial", "resettlement"],
            ),
        ],
    ),
]


def fill(apps, schema_editor):
    ActivityClass = apps.get_model("library", "ActivityClass")
    ActivityItem = apps.get_model("library", "ActivityItem")
    order = 0
    for class_order, (name, description, items) in enumerate(TREE, 1):
        activity_class, _ = ActivityClass.objects.get_or_create(
            name=name, defaults={"description": description, "order": class_order}
        )
        for item_name, item_description, kinds in items:
            order += 1
            ActivityItem.objects.get_or_create(
                name=item_name,
                defaults={
                    "activity_class": activity_class,
                    "description": item_description,
                    "compound_kinds": kinds,
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
