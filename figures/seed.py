"""The seed article's figures (../shared/seed/, 2024): what the programme reported of itself, shown
beside the portal's own count of the same thing on the district's dashboard. Facts quoted from the
article, never used in a computation."""

# key -> the article's figure as it wrote it
SEED = {
    "surveys": "2900 份",
    "boxes": "55 处",
    "needs": "6 类 125 条",
    "assessments": "10 类 130 余项",
    "field_visits": "40 余次",
    "compound_old": "25 个",
    "compound_resettlement": "16 个",
    "compound_commercial": "23 个",
    "micro_projects": "45 个",
    "scenes": "89 个",
    "roundtable_solved": "45 个",
    "partners": "9 类 4568 名",
    "excellent": "276 人",
    "tasks_claimed": "659 件",
    "library": "54 个",
    "library_items": "3 类 10 项",
    "training": "每月 1/3 社区书记",
}
