from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(taken: QuerySet, name: str, slug: str | None, fallback: str) -> str:
    """A URL slug from `slug` or `name` that no row of `taken` has yet (acme, acme-2, …).
    Orgs and portals both get their addresses this way."""
    base = slugify(slug or name)[:40] or fallback
    candidate, n = base, 1
    while taken.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
