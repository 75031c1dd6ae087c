from functools import wraps

from django.core.exceptions import PermissionDenied

from .permissions import can


def requires(action: str):
    """The view needs an agency in its URL and a role the permission map (and the agency's
    policy, for the actions it decides) allows."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "agency", None) is None or not can(
                request.roles, action, request.policy
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator
