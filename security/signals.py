import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from agencies.models import Membership

from . import audit, lockout, mfa
from .models import Outcome, UserSession
from .sessions import end_sessions


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    request.session["auth_started"] = time.time()
    request.session["last_seen"] = time.time()
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
    if getattr(request, "signed_in_by_link", False):
        audit.record(request=request, action="login link", actor=user)
    else:
        audit.record(request=request, action="login", actor=user)
    if not mfa.second_step_required(user):
        # No second step follows: the sign-in is whole, and its failures are cleared.
        lockout.completed(request, username=user.get_username())


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if user is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(user_login_failed)
def failed_login(sender, credentials, request=None, **kwargs):
    """A wrong password, or a try while locked. A wrong second-step code is recorded by
    security/mfa.py's verify, which knows what was tried."""
    if request is None or sender == lockout.SECOND_STEP:
        return
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        request=request,
        action="login failed",
        outcome=Outcome.FAILED,
        actor_name=username,
        account=audit.account_named(username),
    )


@receiver(pre_save, sender=get_user_model())
def _was_active(sender, instance, **kwargs):
    if instance.pk:
        before = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        instance._was_active = before


@receiver(post_save, sender=get_user_model())
def deactivated(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_was_active", False) and not instance.is_active:
        end_sessions(instance.pk)


@receiver(post_delete, sender=Membership)
def membership_removed(sender, instance, **kwargs):
    end_sessions(instance.user_id)
