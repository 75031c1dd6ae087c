import base64
import binascii

from django import forms


def _b64url_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


class PushSubscriptionForm(forms.Form):
    """What a browser's PushManager gave it (PushSubscription.toJSON()), checked before the
    server ever posts to it: the push service's https address, and the browser's P-256 public
    key (65 bytes, uncompressed) and auth secret (16 bytes), both base64url."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError("A push service's address starts with https://.")
        return endpoint

    def clean_p256dh(self) -> str:
        raw = _b64url_bytes(self.cleaned_data["p256dh"])
        if raw is None or len(raw) != 65 or raw[0] != 4:
            raise forms.ValidationError("Not a browser's push key.")
        return self.cleaned_data["p256dh"]

    def clean_auth(self) -> str:
        raw = _b64url_bytes(self.cleaned_data["auth"])
        if raw is None or len(raw) != 16:
            raise forms.ValidationError("Not a browser's push secret.")
        return self.cleaned_data["auth"]


class PushEndpointForm(forms.Form):
    """Which browser stops getting pushes; none named: every one of the peer's."""

    endpoint = forms.URLField(max_length=1000, required=False, assume_scheme="https")
