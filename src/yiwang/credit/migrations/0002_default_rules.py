"""The issue's joint punishment and incentive measures, seeded as rules an administrator may edit or switch off."""

from django.db import migrations

RULES = [
    {
        "code": "serious-no-benefit",
        "name": "严重失信主体不得享受政府补贴和行政给付",
        "list_kind": "serious",
        "effect": "block",
        "item_kinds": ["benefit"],
        "at_acceptance": True,
        "at_decision": True,
        "basis": "《关于对失信主体实施联合惩戒的合作备忘录》：限制申请财政性资金项目和政策性补贴",
    },
    {
        "code": "serious-no-tolerance",
        "name": "严重失信主体不适用容缺受理和告知承诺制",
        "list_kind": "serious",
        "effect": "deny_tolerance",
        "item_kinds": [],
        "at_acceptance": True,
        "at_decision": True,
        "basis": "《国务院关于建立完善守信联合激励和失信联合惩戒制度的指导意见》（国发〔2016〕33号）",
    },
    {
        "code": "abnormal-review",
        "name": "经营异常名录主体列为人工重点审核",
        "list_kind": "abnormal",
        "effect": "flag",
        "item_kinds": [],
        "at_acceptance": True,
        "at_decision": True,
        "basis": "《企业经营异常名录管理暂行办法》",
    },
    {
        "code": "red-green-channel",
        "name": "红名单主体享受绿色通道（优先办理、容缺受理）",
        "list_kind": "red",
        "effect": "fast_track",
        "item_kinds": [],
        "at_acceptance": True,
        "at_decision": False,
        "basis": "《国务院关于建立完善守信联合激励和失信联合惩戒制度的指导意见》：对守信主体实行“绿色通道”",
    },
]


def seed(apps, schema_editor):
    rule = apps.get_model("credit", "CreditRule")
    for data in RULES:
        rule.objects.update_or_create(code=data["code"], defaults={k: v for k, v in data.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("credit", "CreditRule").objects.filter(code__in=[r["code"] for r in RULES], hits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_records_and_rules")]

    operations = [migrations.RunPython(seed, unseed)]
