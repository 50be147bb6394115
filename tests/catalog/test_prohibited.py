"""Art. 11 screening: each prohibited type is flagged with its rule (Simplified, Traditional and
English), exclusions hold, and ordinary needs pass unflagged."""

import pytest

from catalog.lifecycle import apply_screening
from catalog.prohibited import load_rules, screen


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("社区想把闲置铺面交给机构经营，利润按比例分成", "business_investment"),
        ("We want an organization to invest in a cafe and share the profit", "business_investment"),
        ("社区欠了供应商两年的工程款，想用项目经费偿还债务", "community_debt"),
        ("村道坑坑洼洼，想请人把路面修补一下，再换几盏路灯", "municipal_maintenance"),
        ("Please repair the potholes on the main road", "municipal_maintenance"),
        ("想招聘4名专职保洁员每天打扫楼道", "full_time_staff"),
        ("想僱用全職保安員每晚巡邏", "full_time_staff"),  # Traditional, converted first
        ("hire full-time security guards for the estate", "full_time_staff"),
        ("学校晚自习老师不够，想请社工去看晚自习", "outside_responsibility"),
        # Art. 11 types as offices actually write them: works, sweeping, waste rounds, crews.
        ("镇区主干道清扫保洁服务外包", "full_time_staff"),
        ("街道道路清掃保潔項目", "full_time_staff"),  # Traditional
        ("村居生活垃圾流动收集车辆及人员服务", "full_time_staff"),
        ("组建街道保洁员队伍负责背街小巷卫生", "full_time_staff"),
        ("城區環衛一體化作業", "full_time_staff"),
        ("Street sweeping and waste collection for the town", "full_time_staff"),
        ("社区周边道路积水整治", "municipal_maintenance"),
        ("村道硬底化工程", "municipal_maintenance"),
        ("片區排水管網改造工程", "municipal_maintenance"),
        ("幼儿园改扩建及教学楼加固", "outside_responsibility"),
    ],
)
def test_each_rule_flags(text, rule):
    flags = screen(text)
    assert rule in {f.rule_id for f in flags}
    flag = next(f for f in flags if f.rule_id == rule)
    assert flag.matched and flag.matched in flag.detail


@pytest.mark.parametrize(
    "text",
    [
        "辖区独居老人吃饭难，想找机构送餐上门",
        "组织居民志愿者开展义务巡逻和邻里守望",  # volunteers are not hired staff
        "帮助被拖欠工资的外来务工人员讨薪，提供法律援助",  # wage arrears, not community debt
        "举办创业培训，帮助失业人员就业创业指导",
        "Run English corners and cultural exchange fairs for newcomers",
        # A service for a group of workers is a service, not hiring them.
        "为环卫工人提供免费按摩和健康体检",
        "環衛工人健康義診",
        "关爱户外劳动者爱心驿站",
        "free health checks for sanitation workers",
        "社区垃圾分类宣传入户引导",
        "老人不会用手机扫码挂号",
        "楼道扶手和照明微改造",
    ],
)
def test_ordinary_needs_not_flagged(text):
    assert screen(text) == []


def test_rules_cover_the_five_article_11_types():
    assert {r.id for r in load_rules()} == {
        "business_investment",
        "community_debt",
        "municipal_maintenance",
        "full_time_staff",
        "outside_responsibility",
    }


def test_screening_sets_and_clears_need_flags(make_need):
    need = make_need(title="村道要修", description="北山村几条村道坑坑洼洼，想请人把路面修补一下。")
    apply_screening(need)
    assert need.prohibited and need.prohibited_rule == "municipal_maintenance"
    assert "municipal" in need.prohibited_detail
    need.title, need.description = "老人吃饭难", "辖区独居老人多，想找机构每天送餐上门。"
    apply_screening(need)
    assert not need.prohibited and need.prohibited_rule is None and need.prohibited_detail is None
