from yiwang.catalog.models import Bundle, ItemImplementation, ServiceItem


def test_reference_catalog_loaded(db):
    assert ServiceItem.objects.exclude(current_version=None).count() == 67
    assert Bundle.objects.count() == 8
    assert ItemImplementation.objects.filter(item__code="R005", department__region__code="440105").exists()
