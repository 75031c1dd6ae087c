"""The service worker, at the site's root.

A service worker controls the pages under the folder it is served from: from /static/js/ it
could control nothing of the app. So its source is a static file (static/js/sw.js), and this
view serves it at /sw.js, after a few lines naming the release's static files (their hashed
names in production): the worker keeps those for offline use, and since the script's bytes
change with each release, the browser installs the new worker when they do. Why a view and not
whitenoise's root folder: the script must know those names, which only the release's manifest
knows; and no copy of the file outside static/ is to be kept in step.

No cache: the browser asks again at each visit (and at least daily, whatever the headers
say), so a release is picked up at once."""

import json
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from config.page_cache import deploy_stamp

# The layout's files (templates/base.html) and the app's icon: what the on-call page's offline
# copy needs to show as it did.
ASSETS = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/app.js",
    "manifest.webmanifest",
    "icons/icon-192.png",
]


@cache
def _source() -> str:
    with open(finders.find("js/sw.js"), encoding="utf-8") as fh:
        return fh.read()


def script() -> str:
    head = (
        f"const RELEASE = {json.dumps(deploy_stamp() or 'dev')};\n"
        f"const ASSETS = {json.dumps([static(name) for name in ASSETS])};\n"
        f"const ICON = {json.dumps(static('icons/icon-192.png'))};\n"
    )
    return head + _source()


@require_GET
def service_worker(request):
    response = HttpResponse(script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
