"""The parts of Setup and who may open each: one list that the Setup tab, the Setup menu and
the Setup pages all read, so a person is never shown a link that leads to a refusal."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Section:
    key: str
    group: str
    label: str
    url_name: str
    # The feature permissions that open it: any one of them is enough.
    features: tuple[str, ...]

    def url(self, slug: str) -> str:
        return reverse(self.url_name, args=[slug])


SECTIONS = (
    Section(
        "users",
        gettext_lazy("Users and control"),
        gettext_lazy("Users"),
        "crm:setup_users",
        ("manage_users",),
    ),
    Section(
        "profiles",
        gettext_lazy("Users and control"),
        gettext_lazy("Profiles"),
        "crm:setup_profiles",
        ("manage_users",),
    ),
    Section(
        "modules",
        gettext_lazy("Customization"),
        gettext_lazy("Modules and Fields"),
        "crm:setup_modules",
        ("customize_modules",),
    ),
    # Integrations are set up by whoever customizes the CRM or holds the Desk permission.
    Section(
        "marketplace",
        gettext_lazy("Marketplace"),
        gettext_lazy("Marketplace"),
        "crm:setup_marketplace",
        ("customize_modules", "desk_integration"),
    ),
    Section(
        "signals",
        gettext_lazy("Channels"),
        "SalesSignals",
        "crm:setup_signals",
        ("customize_modules", "desk_integration"),
    ),
)


def sections_for(member) -> list[Section]:
    """The parts of Setup this person may open, in menu order (empty: no Setup at all)."""
    return [s for s in SECTIONS if any(member.can(f) for f in s.features)]


def require_section(member, key: str) -> None:
    if not any(s.key == key for s in sections_for(member)):
        raise PermissionDenied(
            _("Your profile (%(p)s) does not allow this part of Setup.")
            % {"p": member.profile.title}
        )
