from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().replace(" ", "")
