from django.core.management.base import BaseCommand

from accounts import demo


class Command(BaseCommand):
    help = "Print the demo logins that load_demo_data creates."

    def handle(self, *args: object, **options: object) -> None:
        for line in demo.demo_login_lines():
            self.stdout.write(line)
