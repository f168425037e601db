import zoneinfo

from django.utils import timezone, translation


class PersonPreferencesMiddleware:
    """A signed-in person sees Tandem in their language and time zone on every device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Read once: the person itself from here on, not a lazy proxy that every one of a
            # page's hundreds of reads of `request.user` goes through.
            request.user = user = getattr(user, "_wrapped", user)
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response
