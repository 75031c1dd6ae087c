from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

T = TypeVar("T")


def found_or_404(selector: Callable[..., T], **kwargs) -> T:
    """Call a scoped selector; another agency's object and a missing one both answer 404."""
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def error_messages(exc) -> list[str]:
    """A ValidationError or PermissionDenied as plain sentences for a message banner."""
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    if hasattr(exc, "messages"):
        return list(exc.messages)
    return [str(exc) or "Not allowed."]


def attempt(
    action: Callable[[], T], *, form=None, request=None, field=None
) -> tuple[bool, T | None]:
    """Run a service call; a refusal becomes a message on the form (or the page), never a 500.
    Returns whether it went through, and its result."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        return True, action()
    except (ValidationError, PermissionDenied) as exc:
        if form is not None and field is None and hasattr(exc, "error_dict"):
            # Each refusal beside the field it is about, where the form has that field.
            for key, errors in exc.message_dict.items():
                for text in errors:
                    form.add_error(key if key in form.fields else None, text)
            return False, None
        for text in error_messages(exc):
            if form is not None:
                form.add_error(field, text)
            else:
                messages.error(request, text)
        return False, None
