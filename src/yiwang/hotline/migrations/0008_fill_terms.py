"""Existing work orders get the words repeat detection compares, as intake now stores them."""

from django.db import migrations

BATCH = 500


def fill_terms(apps, schema_editor):
    # The one segmentation the app uses at intake; a later change to it leaves rows filled here as they were, which
    # is what intake would have stored on that day.
    from yiwang.hotline.repeats import terms_of

    WorkOrder = apps.get_model("hotline", "WorkOrder")
    rows = WorkOrder.objects.filter(terms="").only("pk", "description", "address").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for order in batch:
            order.terms = terms_of(order.description, order.address)
        WorkOrder.objects.bulk_update(batch, ["terms"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0007_hotspots"),
    ]

    operations = [
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
    ]
