import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_detention.settings")

app = Celery("iae_detention")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
