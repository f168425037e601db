from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tandem.web"
    label = "web"

    def ready(self):
        from tandem.web import limits

        limits.install()
