"""Ending a user's sessions at once: on deactivation, or when a membership is taken away."""

from django.contrib.sessions.models import Session

from .models import UserSession


def end_sessions(user_id: int) -> int:
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user_id=user_id).delete()
    # Sessions live in the database by default (deleted above); a deployment that sets another
    # SESSION_ENGINE (a cache, say) is cleared key by key through its own store.
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    return len(keys)
