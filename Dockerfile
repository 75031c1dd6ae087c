FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint's PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 app
WORKDIR /app

# Dependencies first, so a code change does not reinstall them. pyproject.toml declares no
# packages of its own (`[tool.setuptools] packages = []`): `pip install .` installs only the
# pinned dependencies. README.md comes along because pyproject.toml names it as the readme
# (without it setuptools warns that the file cannot be found).
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

COPY . .

# Collect static files with the production storage (DEBUG off selects WhiteNoise's
# CompressedManifestStaticFilesStorage): with DEBUG on the manifest would not be written and
# every page would fail at run time. These values exist only for this command and are not kept
# in the image (EMBEDDED=true: the build names no database, broker or mail server, and needs
# none). Settings create /app/var on import; it is handed to the app user, and a new named
# volume mounted there starts with that ownership.
RUN DEBUG=false EMBEDDED=true SECRET_KEY=build-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/mail \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
