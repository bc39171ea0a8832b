"""Prints the current second-factor code of a demo account (its device uses settings.DEMO_TOTP_KEY)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Affiche le code à usage unique actuel d'un compte de démonstration (make run)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="identifiant du compte de démonstration, par exemple cpip.meaux")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"Aucun compte « {username} » avec la double authentification activée.")
        if device.key != settings.DEMO_TOTP_KEY:
            raise CommandError(f"Le compte « {username} » n'utilise pas la clé de démonstration : "
                               "seul son téléphone connaît son code.")
        self.stdout.write(current_code(device))


def current_code(device: TOTPDevice) -> str:
    """The code of this time step, or of the next one when this one was used already (a code works once; the
    device accepts one step ahead)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"
