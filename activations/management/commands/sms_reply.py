from django.core.management.base import BaseCommand

from activations.services import sms_replies
from notifications.sms import PermanentError, TransientError, get_backend


class Command(BaseCommand):
    help = (
        "Take a text as if it came in from a phone (the demo's stand-in for the SMS provider's "
        "webhook), e.g. sms_reply +18165550142 'Y 4821': the call-out is answered and the "
        "reply is printed and sent back through the SMS backend."
    )

    def add_arguments(self, parser):
        parser.add_argument("from_number", help="The phone the text comes from")
        parser.add_argument("body", help="What the text says, e.g. 'Y 4821'")

    def handle(self, *args, from_number, body, **options):
        text = sms_replies.answer(from_number=from_number, body=body)
        if not text:
            self.stdout.write("(no reply: the SMS provider answers that word itself)")
            return
        self.stdout.write(text)
        try:
            get_backend().send(from_number, text)
        except (TransientError, PermanentError) as exc:
            self.stderr.write(f"The reply was not sent: {exc}")
