"""The morning job is scheduled at 07:00 in Riga, and the worker knows it by the name beat sends."""

from django.conf import settings

from caseapp.celery import app


def test_the_morning_reminders_are_scheduled_at_seven_in_riga():
    entry = settings.CELERY_BEAT_SCHEDULE["morning-reminders"]
    assert entry["task"] == "reminders.tasks.morning_reminders_task"
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Europe/Riga"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
