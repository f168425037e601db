from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "tandem.integration"
    label = "integration"
    verbose_name = "CRM ↔ Desk integration"
