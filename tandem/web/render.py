from django.shortcuts import render


def page(
    request, template: str, context: dict | None = None, *, partial: str | None = None, status=200
):
    """Render the full page, or only `partial` when htmx asks for a fragment of it."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, partial, context or {}, status=status)
    return render(request, template, context or {}, status=status)
