import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.config.settings.dev")
application = get_wsgi_application()

# Web processes load the search dictionary at start; importing the app elsewhere (commands, tests) does not.
from yiwang.catalog.search import warm_up  # noqa: E402

warm_up()
