from django.contrib import messages

from .doorbell import delivery_delayed, reset_delayed

DELAYED = (
    "Delivery is delayed: the messaging service is not answering. Everything is saved, and "
    "the messages go out automatically as soon as it is back."
)


class DeliveryDelayedMiddleware:
    """Any request that queued a notice while the broker was down says so, whatever page it
    was; placed after the message middleware, which stores what is added here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset_delayed()
        response = self.get_response(request)
        if delivery_delayed() and hasattr(request, "_messages"):
            messages.warning(request, DELAYED)
        return response
