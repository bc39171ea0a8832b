FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    IAE_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    PRIVATE_STORAGE_ROOT=/srv/private

# WeasyPrint's system libraries and a font for the generated PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app

# Dependencies first (pyproject declares no packages: this installs the requirements only).
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Static files are collected into the image and served by whitenoise. The key is for this step only.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-build-step-only \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var /srv/private \
    && chown -R app:app /app/var /srv/private

USER app
EXPOSE 8000
CMD ["gunicorn", "iae_detention.wsgi", "--bind", "0.0.0.0:8000"]
