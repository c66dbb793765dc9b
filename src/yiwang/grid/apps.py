from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "yiwang.grid"
    label = "grid"
    verbose_name = _("网格化管理")

    def ready(self):
        from yiwang.core.cache import bump_on_change
        from yiwang.core.storage import register_file_holder

        from .index import CACHE
        from .models import GridCell, HomeServiceConsent

        # Every process rebuilds its point-in-polygon index when any cell is saved or deleted (and after bulk
        # writes, which call cache_bump themselves), as soon as that write commits.
        bump_on_change(CACHE, GridCell)
        # A signed consent form's scan is kept: the upload sweep deletes no file a consent names.
        register_file_holder(HomeServiceConsent, "form_key")
