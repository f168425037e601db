import os
import warnings

from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
# WhiteNoise serves static files with a sync iterator; Django warns once per file under ASGI.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
django_asgi = get_asgi_application()

from tandem.pages import Application  # noqa: E402 (Django is set up first)

# Pages on a pool of threads (WSGI), event streams on ASGI: see tandem/pages.py.
application = Application(django_asgi, get_wsgi_application())
