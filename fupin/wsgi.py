import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
application = get_wsgi_application()

# Every server start (fupin serve, gunicorn, runserver) loads this module: none runs on the public key.
from fupin.site.serving import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()
