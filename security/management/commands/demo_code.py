from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import User


class Command(BaseCommand):
    help = (
        "Demo only (DEBUG on): print the current two-step sign-in code of a demo user: of its "
        "authenticator, or of the one the setup page is showing it, or of a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code works only with DEBUG on: it would defeat MFA.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            # Signed in already, the user is on the setup page: its code is the one to type
            # there (typing it confirms the device, as an authenticator app's would).
            device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            if device is not None:
                self.stderr.write("Type it on the page that asks you to set up an authenticator.")
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
